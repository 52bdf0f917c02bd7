using Microsoft.AspNetCore.Identity;

namespace CounterQueue.Silo.Identity;

public sealed class UserState
{
    public string? PasswordHash { get; set; }
    public List<string> Roles { get; set; } = [];
}

using Microsoft.AspNetCore.Identity;

namespace CounterQueue.Silo.Identity;

public static class Roles
{
    public const string Staff = "staff";
    public const string Guide = "guide";
    public const string Admin = "admin";
    public static readonly IReadOnlyList<string> All = [Staff, Guide, Admin];
}

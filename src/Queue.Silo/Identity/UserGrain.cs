using CounterQueue.Domain;
using Microsoft.AspNetCore.Identity;
using Orleans.Concurrency;

namespace CounterQueue.Silo.Identity;

public static class Roles
{
    public const string Staff = "staff";
    public const string Guide = "guide";
    public const string Admin = "admin";
    public static readonly IReadOnlyList<string> All = [Staff, Guide, Admin];
}

/// <summary>A user account, keyed by user name. Only the password hash is kept (ASP.NET Core Identity's PBKDF2 hasher).</summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user; false when the name is taken.</summary>
    Task<bool> CreateAsync(string password, IReadOnlyList<string> roles);
    /// <summary>Creates the user or sets its password and roles (used for the QUEUE_ADMIN_PASSWORD account).</summary>
    Task SetAsync(string password, IReadOnlyList<string> roles);
    /// <summary>The user's roles when the password is right; null otherwise.</summary>
    [AlwaysInterleave] Task<IReadOnlyList<string>?> VerifyAsync(string password);
}

public sealed class UserState
{
    public string? PasswordHash { get; set; }
    public List<string> Roles { get; set; } = [];
}

public sealed class UserGrain(
    [PersistentState("user", StorageNames.Queue)] IPersistentState<UserState> user) : Grain, IUserGrain
{
    private static readonly PasswordHasher<string> Hasher = new();

    public async Task<bool> CreateAsync(string password, IReadOnlyList<string> roles)
    {
        if (user.State.PasswordHash is not null) return false;
        await SetAsync(password, roles);
        return true;
    }

    public async Task SetAsync(string password, IReadOnlyList<string> roles)
    {
        var name = this.GetPrimaryKeyString();
        // Hashing is deliberately slow CPU work: keep it off the grain's scheduler.
        var hash = await Task.Run(() => Hasher.HashPassword(name, password));
        user.State.PasswordHash = hash;
        user.State.Roles = roles.Distinct().ToList();
        await user.WriteStateAsync();
    }

    public async Task<IReadOnlyList<string>?> VerifyAsync(string password)
    {
        if (user.State.PasswordHash is not { } hash) return null;
        var name = this.GetPrimaryKeyString();
        var result = await Task.Run(() => Hasher.VerifyHashedPassword(name, hash, password));
        return result == PasswordVerificationResult.Failed ? null : user.State.Roles.ToArray();
    }
}

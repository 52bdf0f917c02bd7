using CounterQueue.Domain.Security;
using Microsoft.AspNetCore.Identity;

namespace CounterQueue.Silo.Identity;

/// <remarks>
/// Every user name has a grain, whether or not the user exists, so an unknown name is answered exactly as a wrong password
/// is: the same hashing work (against a hash made once per process), the same back-off and lock-out (<see cref="SignInLockout"/>).
/// The failures are kept in memory: a lock outlives the grain only as long as the grain stays active (15 minutes idle), which
/// is as long as the longest lock.
/// </remarks>
public sealed class UserGrain(
    [PersistentState("user", StorageNames.Queue)] IPersistentState<UserState> user,
    TimeProvider time) : Grain, IUserGrain
{
    private static readonly PasswordHasher<string> Hasher = new();
    /// <summary>What an unknown user's password is checked against, so that costs what a real check costs.</summary>
    private static readonly Lazy<string> NobodysHash = new(() => Hasher.HashPassword("", Guid.NewGuid().ToString("N")));
    private readonly SignInLockout _lockout = new();

    public async Task<bool> CreateAsync(string password, IReadOnlyList<string> roles, string? officeId = null, string? sectionId = null)
    {
        if (user.State.PasswordHash is not null) return false;
        user.State.OfficeId = officeId;
        user.State.SectionId = sectionId;
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

    public async Task<SignInAttempt> SignInAsync(string password)
    {
        var now = time.GetUtcNow();
        if (_lockout.LockedAt(now) is { } until) return new SignInAttempt(null, until);
        var name = this.GetPrimaryKeyString();
        var hash = user.State.PasswordHash;
        var result = await Task.Run(() => Hasher.VerifyHashedPassword(name, hash ?? NobodysHash.Value, password));
        if (hash is null || result == PasswordVerificationResult.Failed)
        {
            _lockout.Failed(time.GetUtcNow());
            return new SignInAttempt(null, null);
        }
        _lockout.Succeeded();
        return new SignInAttempt(new SignedInUser(user.State.Roles.ToArray(), user.State.OfficeId, user.State.SectionId), null);
    }

    public async Task<bool> RevokeTokensAsync()
    {
        if (user.State.PasswordHash is null) return false;
        user.State.TokensValidFrom = time.GetUtcNow();
        await user.WriteStateAsync();
        return true;
    }

    public Task<DateTimeOffset?> GetTokensValidFromAsync() => Task.FromResult(user.State.PasswordHash is null ? DateTimeOffset.MaxValue : user.State.TokensValidFrom);
}

using Microsoft.AspNetCore.Identity;

namespace CounterQueue.Silo.Identity;

public sealed class UserGrain(
    [PersistentState("user", StorageNames.Queue)] IPersistentState<UserState> user) : Grain, IUserGrain
{
    private static readonly PasswordHasher<string> Hasher = new();

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

    public async Task<SignedInUser?> VerifyAsync(string password)
    {
        if (user.State.PasswordHash is not { } hash) return null;
        var name = this.GetPrimaryKeyString();
        var result = await Task.Run(() => Hasher.VerifyHashedPassword(name, hash, password));
        return result == PasswordVerificationResult.Failed ? null : new SignedInUser(user.State.Roles.ToArray(), user.State.OfficeId, user.State.SectionId);
    }
}

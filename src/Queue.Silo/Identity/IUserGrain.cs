using Microsoft.AspNetCore.Identity;
using Orleans.Concurrency;

namespace CounterQueue.Silo.Identity;

/// <summary>A user account, keyed by user name. Only the password hash is kept (ASP.NET Core Identity's PBKDF2 hasher).</summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user; false when the name is taken.</summary>
    Task<bool> CreateAsync(string password, IReadOnlyList<string> roles, string? officeId = null, string? sectionId = null);
    /// <summary>Creates the user or sets its password and roles (used for the QUEUE_ADMIN_PASSWORD account).</summary>
    Task SetAsync(string password, IReadOnlyList<string> roles);
    /// <summary>
    /// The user's roles and place of work when the password is right; after repeated failures (for a user that exists or not)
    /// sign-in is locked for a while and the attempt says until when, without the password being checked.
    /// </summary>
    [AlwaysInterleave] Task<SignInAttempt> SignInAsync(string password);
    /// <summary>Every token issued to the user so far stops working (an administrator's revocation); false for an unknown user.</summary>
    Task<bool> RevokeTokensAsync();
    /// <summary>Tokens issued before this are refused (null: all are good; for an unknown user, none is).</summary>
    [AlwaysInterleave, ReadOnly] Task<DateTimeOffset?> GetTokensValidFromAsync();
}

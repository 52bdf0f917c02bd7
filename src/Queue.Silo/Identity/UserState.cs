using Microsoft.AspNetCore.Identity;

namespace CounterQueue.Silo.Identity;

public sealed class UserState
{
    public string? PasswordHash { get; set; }
    public List<string> Roles { get; set; } = [];
    /// <summary>Where the user works: a branch (支所) or the ward office, and there a section (課); null for everywhere.</summary>
    public string? OfficeId { get; set; }
    public string? SectionId { get; set; }
    /// <summary>Tokens issued before this instant are refused (set when an administrator revokes the user's tokens).</summary>
    public DateTimeOffset? TokensValidFrom { get; set; }
}

/// <summary>The outcome of a sign-in: the user when the password was right; or, while sign-in is locked, until when.</summary>
[GenerateSerializer, Immutable, Alias("cq.signInAttempt")]
public sealed record SignInAttempt(
    [property: Id(0)] SignedInUser? User,
    [property: Id(1)] DateTimeOffset? LockedUntil);

/// <summary>What a signed-in user may do: roles, and the office and section they belong to (null: not bound to one).</summary>
[GenerateSerializer, Immutable, Alias("cq.signedInUser")]
public sealed record SignedInUser(
    [property: Id(0)] IReadOnlyList<string> Roles,
    [property: Id(1)] string? OfficeId,
    [property: Id(2)] string? SectionId);

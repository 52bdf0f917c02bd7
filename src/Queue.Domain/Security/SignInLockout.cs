namespace CounterQueue.Domain.Security;

/// <summary>
/// Back-off after failed sign-ins (for a user name, or for an address): the first few failures cost nothing, then each
/// further failure locks sign-in for twice as long as the one before, up to a ceiling; a success starts again. While locked,
/// no password is even checked, so guessing is slowed to a few tries an hour whatever the attacker's speed.
/// </summary>
public sealed class SignInLockout(int freeFailures = 5, TimeSpan? firstLock = null, TimeSpan? longestLock = null)
{
    private readonly TimeSpan _first = firstLock ?? TimeSpan.FromSeconds(30);
    private readonly TimeSpan _longest = longestLock ?? TimeSpan.FromMinutes(15);

    public int Failures { get; private set; }
    public DateTimeOffset? LockedUntil { get; private set; }
    /// <summary>When the last failure happened (an old lockout is forgotten after the longest lock has passed twice).</summary>
    public DateTimeOffset? LastFailureAt { get; private set; }

    /// <summary>Whether sign-in is locked now; null when not, else until when.</summary>
    public DateTimeOffset? LockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now ? until : null;

    /// <summary>A wrong password (or an unknown user): counts, and locks once past the free failures.</summary>
    public void Failed(DateTimeOffset now)
    {
        if (LastFailureAt is { } last && now - last > 2 * _longest) Failures = 0; // long quiet: start again
        Failures++;
        LastFailureAt = now;
        if (Failures <= freeFailures) return;
        var doublings = Math.Min(Failures - freeFailures - 1, 20);
        var length = TimeSpan.FromTicks(Math.Min(_longest.Ticks, _first.Ticks * (1L << doublings)));
        LockedUntil = now + length;
    }

    public void Succeeded()
    {
        Failures = 0;
        LockedUntil = null;
        LastFailureAt = null;
    }
}

using System.Collections.Concurrent;
using CounterQueue.Domain.Security;

namespace CounterQueue.Web.Identity;

/// <summary>
/// Back-off per address for failed sign-ins (the user grain does the same per user name): twenty failures from one address
/// and it waits, longer each time. In memory, per host; bounded (the oldest addresses are forgotten first).
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    private const int MaxAddresses = 10_000;
    private readonly ConcurrentDictionary<string, SignInLockout> _addresses = new();

    public DateTimeOffset? LockedUntil(string address)
    {
        if (!_addresses.TryGetValue(address, out var lockout)) return null;
        lock (lockout) return lockout.LockedAt(time.GetUtcNow());
    }

    public void Failed(string address)
    {
        if (_addresses.Count >= MaxAddresses) Trim();
        var lockout = _addresses.GetOrAdd(address, _ => new SignInLockout(freeFailures: 20));
        lock (lockout) lockout.Failed(time.GetUtcNow());
    }

    private void Trim()
    {
        var now = time.GetUtcNow();
        foreach (var (address, lockout) in _addresses)
        {
            bool quiet;
            lock (lockout) quiet = lockout.LockedAt(now) is null && (lockout.LastFailureAt is not { } last || now - last > TimeSpan.FromMinutes(30));
            if (quiet) _addresses.TryRemove(address, out _);
        }
    }
}

/// <summary>
/// Checks a token against its user's revocation time (<see cref="CounterQueue.Silo.Identity.IUserGrain.GetTokensValidFromAsync"/>),
/// remembered for a few seconds per user so a busy console does not ask for every request; a revocation on this host takes
/// effect at once, on another within that time.
/// </summary>
public sealed class TokenRevocations(IGrainFactory grains, TimeProvider time)
{
    private static readonly TimeSpan Remember = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (DateTimeOffset? ValidFrom, DateTimeOffset CheckedAt)> _users = new();

    public async Task<bool> IsValidAsync(System.Security.Claims.ClaimsPrincipal principal)
    {
        var username = principal.FindFirst(TokenIssuer.NameClaim)?.Value;
        var issued = principal.FindFirst(TokenIssuer.IssuedAtMillisecondsClaim)?.Value is { } iat && long.TryParse(iat, out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : (DateTimeOffset?)null;
        if (username is null || issued is null) return false;
        var now = time.GetUtcNow();
        if (!_users.TryGetValue(username, out var known) || now - known.CheckedAt > Remember)
        {
            known = (await grains.GetGrain<CounterQueue.Silo.Identity.IUserGrain>(username).GetTokensValidFromAsync(), now);
            if (_users.Count > 10_000) _users.Clear();
            _users[username] = known;
        }
        return known.ValidFrom is not { } from || issued.Value > from;
    }

    public void Forget(string username) => _users.TryRemove(username, out _);
}

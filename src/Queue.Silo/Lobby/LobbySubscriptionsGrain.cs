
namespace CounterQueue.Silo.Lobby;

/// <remarks>
/// Subscriptions are leases between processes, so they are measured on the machine's own clock
/// (<see cref="TimeProvider.System"/>), like the web host's renewal timer, not on the queue's business clock
/// (the injected <see cref="TimeProvider"/>, which tests move by hours).
/// </remarks>
public sealed class LobbySubscriptionsGrain : Grain, ILobbySubscriptionsGrain
{
    private static readonly TimeProvider time = TimeProvider.System;
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(2);
    private readonly Dictionary<ILobbyObserver, DateTimeOffset> _observers = [];

    public Task SubscribeAsync(ILobbyObserver observer)
    {
        _observers[observer] = time.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(ILobbyObserver observer)
    {
        _observers.Remove(observer);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ILobbyObserver>> GetAsync()
    {
        var now = time.GetUtcNow();
        foreach (var stale in _observers.Where(o => now - o.Value > Expiry).Select(o => o.Key).ToList()) _observers.Remove(stale);
        return Task.FromResult<IReadOnlyList<ILobbyObserver>>(_observers.Keys.ToList());
    }
}

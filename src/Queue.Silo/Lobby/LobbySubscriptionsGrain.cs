using Microsoft.Extensions.Logging;

namespace CounterQueue.Silo.Lobby;

/// <summary>The web hosts listening to the lobby, by their observers' grain ids (kept, so a move of this grain keeps them).</summary>
public sealed class LobbySubscriptionsState
{
    public HashSet<string> Observers { get; set; } = [];
}

/// <summary>
/// Which web hosts listen (key 0). The set is stored: when the host this grain lived on dies, the grain comes back on
/// another with every surviving host's subscription, so no display on a surviving host misses an event while the
/// hosts renew. Leases are held in memory on the machine's own clock (<see cref="TimeProvider.System"/>), like the
/// hosts' renewal timers, not on the queue's business clock (which tests move by hours); a host silent for
/// <see cref="Expiry"/> is dropped, and one the grain reloads is given a fresh lease.
/// </summary>
public sealed class LobbySubscriptionsGrain(
    [PersistentState("lobbySubscriptions", StorageNames.Queue)] IPersistentState<LobbySubscriptionsState> state,
    ILogger<LobbySubscriptionsGrain> logger) : Grain, ILobbySubscriptionsGrain
{
    private static readonly TimeProvider time = TimeProvider.System;
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(2);
    private readonly Dictionary<ILobbyObserver, DateTimeOffset> _observers = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var id in state.State.Observers)
            _observers[GrainFactory.GetGrain<ILobbyObserver>(GrainId.Parse(id))] = now;
        if (_observers.Count > 0) logger.LogInformation("Lobby subscriptions: {Count} web hosts carried over", _observers.Count);
        return Task.CompletedTask;
    }

    public async Task SubscribeAsync(ILobbyObserver observer)
    {
        _observers[observer] = time.GetUtcNow();
        if (state.State.Observers.Add(observer.GetGrainId().ToString())) await state.WriteStateAsync();
    }

    public async Task UnsubscribeAsync(ILobbyObserver observer)
    {
        _observers.Remove(observer);
        if (state.State.Observers.Remove(observer.GetGrainId().ToString())) await state.WriteStateAsync();
    }

    public async Task<IReadOnlyList<ILobbyObserver>> GetAsync()
    {
        var now = time.GetUtcNow();
        var stale = _observers.Where(o => now - o.Value > Expiry).Select(o => o.Key).ToList();
        foreach (var observer in stale)
        {
            _observers.Remove(observer);
            state.State.Observers.Remove(observer.GetGrainId().ToString());
        }
        if (stale.Count > 0) await state.WriteStateAsync();
        return _observers.Keys.ToList();
    }
}

using Microsoft.Extensions.Logging;

namespace CounterQueue.Silo.Lobby;

/// <summary>The web hosts listening to the lobby, by their observers' grain ids (kept, so a move of this grain keeps them).</summary>
public sealed class LobbySubscriptionsState
{
    public HashSet<string> Observers { get; set; } = [];

    /// <summary>The version of the set last announced, so a reactivation on another host goes on counting upwards.</summary>
    public long Version { get; set; }
}

/// <summary>
/// Which web hosts listen (key 0). The set is stored: when the host this grain lived on dies, the grain comes back on
/// another with every surviving host's subscription, so no display on a surviving host misses an event while the
/// hosts renew. Every change of the set is pushed at once to every host (<see cref="ILobbyObserver.ListenersChangedAsync"/>),
/// each under a higher version, so a host that restarts is heard from the next event on, wherever it is published.
/// Leases are held in memory on the machine's own clock (<see cref="TimeProvider.System"/>), like the hosts' renewal
/// timers, not on the queue's business clock (which tests move by hours); a host silent for <see cref="Expiry"/> is
/// dropped, and one the grain reloads is given a fresh lease.
/// </summary>
public sealed class LobbySubscriptionsGrain(
    [PersistentState("lobbySubscriptions", StorageNames.Queue)] IPersistentState<LobbySubscriptionsState> state,
    ILogger<LobbySubscriptionsGrain> logger) : Grain, ILobbySubscriptionsGrain
{
    private static readonly TimeProvider time = TimeProvider.System;
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(2);
    private readonly Dictionary<ILobbyObserver, DateTimeOffset> _observers = [];
    private LobbyListenerSet _set = new(0, []);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var id in state.State.Observers)
            _observers[GrainFactory.GetGrain<ILobbyObserver>(GrainId.Parse(id))] = now;
        // Above any version an earlier activation announced: the stored one, or the clock's ticks if the store lost it.
        _set = new(Math.Max(state.State.Version, now.UtcTicks), [.. _observers.Keys]);
        if (_observers.Count > 0) logger.LogInformation("Lobby subscriptions: {Count} web hosts carried over", _observers.Count);
        return Task.CompletedTask;
    }

    public async Task<LobbyListenerSet> SubscribeAsync(ILobbyObserver observer)
    {
        var added = !_observers.ContainsKey(observer);
        _observers[observer] = time.GetUtcNow();
        await ChangedAsync(added | DropSilent());
        return _set;
    }

    public async Task UnsubscribeAsync(ILobbyObserver observer) => await ChangedAsync(_observers.Remove(observer));

    public async Task<LobbyListenerSet> GetAsync()
    {
        await ChangedAsync(DropSilent());
        return _set;
    }

    private bool DropSilent()
    {
        var now = time.GetUtcNow();
        var silent = _observers.Where(o => now - o.Value > Expiry).Select(o => o.Key).ToList();
        foreach (var observer in silent) _observers.Remove(observer);
        return silent.Count > 0;
    }

    /// <summary>After a change: stores the set under the next version and tells every host (one-way: nobody waits on a dead one).</summary>
    private async Task ChangedAsync(bool changed)
    {
        if (!changed) return;
        _set = new(_set.Version + 1, [.. _observers.Keys]);
        state.State.Observers = [.. _observers.Keys.Select(o => o.GetGrainId().ToString())];
        state.State.Version = _set.Version;
        await state.WriteStateAsync();
        foreach (var observer in _set.Observers)
        {
            try
            {
                await observer.ListenersChangedAsync(_set);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A lobby listener could not be told of the new set");
            }
        }
    }
}

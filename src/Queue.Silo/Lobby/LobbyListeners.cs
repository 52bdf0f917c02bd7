namespace CounterQueue.Silo.Lobby;

/// <summary>The web hosts listening to the lobby, as one numbered version of the subscriptions grain's set.</summary>
[GenerateSerializer, Immutable, Alias("cq.ev.listeners")]
public sealed record LobbyListenerSet(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<ILobbyObserver> Observers);

/// <summary>
/// This host's copy of who listens to the lobby, which the local publisher sends every event to. It is kept current
/// by pushes rather than read on a timer: the subscriptions grain sends every host the new set the moment a host
/// (re)subscribes, and each renewal brings the set back too, so a host that restarts hears the next event published
/// anywhere. This host's own listener is always included, so its displays hear its grains' events even while the
/// subscriptions grain cannot be reached (its host just died and the cluster has not yet declared it dead).
/// </summary>
public sealed class LobbyListeners
{
    private readonly Lock _gate = new();
    private ILobbyObserver? _local;
    private LobbyListenerSet? _set;
    private IReadOnlyList<ILobbyObserver> _targets = [];

    /// <summary>Whether a set has been received from the subscriptions grain yet.</summary>
    public bool Known => Volatile.Read(ref _set) is not null;

    /// <summary>Every listener to send an event to: the set last received, and this host's own.</summary>
    public IReadOnlyList<ILobbyObserver> Targets => Volatile.Read(ref _targets);

    /// <summary>This host's own listener (its web layer's bridge), or null when it stops listening.</summary>
    public void SetLocal(ILobbyObserver? observer)
    {
        lock (_gate)
        {
            _local = observer;
            Rebuild();
        }
    }

    /// <summary>Takes <paramref name="set"/> unless a newer one arrived first (a push can overtake a renewal's answer).</summary>
    public bool Update(LobbyListenerSet set)
    {
        lock (_gate)
        {
            if (_set is { } current && current.Version > set.Version) return false;
            _set = set;
            Rebuild();
            return true;
        }
    }

    private void Rebuild()
    {
        var targets = _set?.Observers ?? [];
        if (_local is { } local && !targets.Any(t => t.GetGrainId() == local.GetGrainId())) targets = [.. targets, local];
        Volatile.Write(ref _targets, targets);
    }
}

using Orleans.Concurrency;

namespace CounterQueue.Silo.Lobby;

/// <summary>A web host that forwards lobby events to its SignalR clients. Best effort: pages re-read over REST.</summary>
public interface ILobbyObserver : IGrainObserver
{
    [OneWay] Task ReceiveAsync(IReadOnlyList<LobbyMessage> messages);

    /// <summary>The set of listening hosts changed (one subscribed or left): the host's publisher sends to this set from now on.</summary>
    [OneWay] Task ListenersChangedAsync(LobbyListenerSet listeners);
}

using Orleans.Concurrency;

namespace CounterQueue.Silo.Lobby;

/// <summary>
/// Where grains drop their events: a stateless worker on each silo, so publishing never waits on a
/// single hot grain. It forwards each batch to every subscribed web host.
/// </summary>
public interface ILobbyPublisherGrain : IGrainWithIntegerKey
{
    [OneWay] Task PublishAsync(IReadOnlyList<LobbyMessage> messages);
}

using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace CounterQueue.Silo.Lobby;

[StatelessWorker]
public sealed class LobbyPublisherGrain(ILogger<LobbyPublisherGrain> logger) : Grain, ILobbyPublisherGrain
{
    private static readonly TimeProvider time = TimeProvider.System; // a cache of the subscriptions: real elapsed time, as they are
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);
    private IReadOnlyList<ILobbyObserver> _observers = [];
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public async Task PublishAsync(IReadOnlyList<LobbyMessage> messages)
    {
        var now = time.GetUtcNow();
        if (now - _fetchedAt > Refresh || _observers.Count == 0)
        {
            _observers = await GrainFactory.GetGrain<ILobbySubscriptionsGrain>(0).GetAsync();
            _fetchedAt = now;
        }
        foreach (var observer in _observers)
        {
            try
            {
                await observer.ReceiveAsync(messages); // one-way: returns at once
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A lobby observer could not be reached");
            }
        }
    }
}

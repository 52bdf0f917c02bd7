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

    private Task? _refreshing;

    public async Task PublishAsync(IReadOnlyList<LobbyMessage> messages)
    {
        if (_observers.Count == 0) await RefreshAsync(); // nothing cached yet: wait for the list once
        else if (time.GetUtcNow() - _fetchedAt > Refresh && _refreshing is null or { IsCompleted: true }) _refreshing = RefreshAsync(); // in the background
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

    /// <summary>
    /// Fetches the subscribed hosts. While the subscriptions grain is unreachable (its host just died, and the cluster
    /// has not yet declared it dead) the list held so far is kept, so the events go on reaching the hosts that live.
    /// </summary>
    private async Task RefreshAsync()
    {
        try
        {
            _observers = await GrainFactory.GetGrain<ILobbySubscriptionsGrain>(0).GetAsync();
            _fetchedAt = time.GetUtcNow();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "The lobby subscriptions could not be read; keeping the {Count} hosts known", _observers.Count);
        }
    }
}

using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace CounterQueue.Silo.Lobby;

/// <summary>
/// Sends each batch of events to every listening host, as this host's <see cref="LobbyListeners"/> knows them (kept
/// current by the subscriptions grain's pushes). Only on a host that has not heard the set yet (its web layer has
/// not subscribed, as in the grain tests) does it read the set from the subscriptions grain first.
/// </summary>
[StatelessWorker]
public sealed class LobbyPublisherGrain(LobbyListeners listeners, ILogger<LobbyPublisherGrain> logger) : Grain, ILobbyPublisherGrain
{
    private static readonly TimeSpan RetryFetchAfter = TimeSpan.FromSeconds(1);
    private long _fetchFailedAt; // a timestamp: while the set cannot be read, events do not each wait for another try

    public async Task PublishAsync(IReadOnlyList<LobbyMessage> messages)
    {
        if (!listeners.Known && (_fetchFailedAt == 0 || TimeProvider.System.GetElapsedTime(_fetchFailedAt) > RetryFetchAfter)) await FetchAsync();
        foreach (var observer in listeners.Targets)
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
    /// Reads the subscribed hosts. While the subscriptions grain is unreachable (its host just died, and the cluster
    /// has not yet declared it dead) the events still reach this host's own listener.
    /// </summary>
    private async Task FetchAsync()
    {
        try
        {
            listeners.Update(await GrainFactory.GetGrain<ILobbySubscriptionsGrain>(0).GetAsync());
            _fetchFailedAt = 0;
        }
        catch (Exception e)
        {
            _fetchFailedAt = TimeProvider.System.GetTimestamp();
            logger.LogWarning(e, "The lobby subscriptions could not be read; sending to this host's {Count} listeners", listeners.Targets.Count);
        }
    }
}

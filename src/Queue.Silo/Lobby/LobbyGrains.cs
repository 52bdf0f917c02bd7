using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace CounterQueue.Silo.Lobby;

/// <summary>A web host that forwards lobby events to its SignalR clients. Best effort: pages re-read over REST.</summary>
public interface ILobbyObserver : IGrainObserver
{
    [OneWay] Task ReceiveAsync(IReadOnlyList<LobbyMessage> messages);
}

/// <summary>Which web hosts listen (key 0). Hosts renew their subscription; silent ones are dropped.</summary>
public interface ILobbySubscriptionsGrain : IGrainWithIntegerKey
{
    Task SubscribeAsync(ILobbyObserver observer);
    Task UnsubscribeAsync(ILobbyObserver observer);
    [ReadOnly] Task<IReadOnlyList<ILobbyObserver>> GetAsync();
}

/// <summary>
/// Where grains drop their events: a stateless worker on each silo, so publishing never waits on a
/// single hot grain. It forwards each batch to every subscribed web host.
/// </summary>
public interface ILobbyPublisherGrain : IGrainWithIntegerKey
{
    [OneWay] Task PublishAsync(IReadOnlyList<LobbyMessage> messages);
}

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

/// <summary>How grains publish lobby events.</summary>
public static class LobbyPublishing
{
    public static Task PublishAsync(this IGrainFactory grains, params LobbyMessage[] messages) =>
        messages.Length == 0 ? Task.CompletedTask : grains.GetGrain<ILobbyPublisherGrain>(0).PublishAsync(messages);
}

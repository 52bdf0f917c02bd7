using CounterQueue.Silo.Lobby;
using Microsoft.AspNetCore.SignalR;

namespace CounterQueue.Web.Lobby;

/// <summary>
/// This web host's ear in the cluster: a grain observer that receives lobby events and sends them
/// to the SignalR groups they are for. It subscribes before the web server takes its first connection (so a display
/// that connects to a host just restarted hears the next call), renews while the host runs, retries within seconds
/// when the subscriptions grain cannot be reached, and keeps this host's <see cref="LobbyListeners"/> current.
/// </summary>
public sealed class LobbyBridge(IGrainFactory grains, LobbyListeners listeners, IHubContext<LobbyHub> hub, ILogger<LobbyBridge> logger)
    : BackgroundService, ILobbyObserver
{
    private static readonly TimeSpan Renew = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(15);
    private ILobbyObserver? _reference;
    private bool _subscribed;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _reference = grains.CreateObjectReference<ILobbyObserver>(this);
        listeners.SetLocal(_reference);
        // Bounded: a cluster that cannot answer yet delays this host's start by at most StartWait, then the loop goes on.
        try
        {
            _subscribed = await SubscribeAsync(_reference).WaitAsync(StartWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("The lobby subscription did not answer within {Wait}; starting, and retrying", StartWait);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        try
        {
            while (_reference is { } reference)
            {
                await Task.Delay(_subscribed ? Renew : retry, stoppingToken);
                retry = _subscribed ? FirstRetry : TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, Renew.Ticks));
                _subscribed = await SubscribeAsync(reference);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Subscribes or renews, taking the answer's set of listeners; false (logged) when it could not.</summary>
    private async Task<bool> SubscribeAsync(ILobbyObserver reference)
    {
        try
        {
            listeners.Update(await grains.GetGrain<ILobbySubscriptionsGrain>(0).SubscribeAsync(reference));
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not subscribe this host to the lobby's events; retrying");
            return false;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reference, null) is { } reference)
        {
            listeners.SetLocal(null);
            try
            {
                await grains.GetGrain<ILobbySubscriptionsGrain>(0).UnsubscribeAsync(reference).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Lobby unsubscription skipped at shutdown");
            }
        }
        await base.StopAsync(cancellationToken);
    }

    public Task ListenersChangedAsync(LobbyListenerSet set)
    {
        listeners.Update(set);
        return Task.CompletedTask;
    }

    public Task ReceiveAsync(IReadOnlyList<LobbyMessage> messages) => Task.WhenAll(messages.Select(SendAsync));

    private async Task SendAsync(LobbyMessage message)
    {
        try
        {
            var method = message.Payload.Method;
            object payload = message.Payload is TicketUpdated updated ? updated.Ticket : message.Payload;
            if (message.TicketId is { } ticketId)
                await hub.Clients.Group(LobbyGroups.Ticket(ticketId)).SendAsync(method, payload);
            else if (message.Payload is Notice)
                await hub.Clients.Group(LobbyGroups.Notices(message.OfficeId)).SendAsync(method, payload);
            else
                await hub.Clients.Groups(message.Floor is { } floor
                    ? [LobbyGroups.Office(message.OfficeId), LobbyGroups.Floor(message.OfficeId, floor)]
                    : [LobbyGroups.Office(message.OfficeId)]).SendAsync(method, payload);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not send {Method} to the lobby of {OfficeId}", message.Payload.Method, message.OfficeId);
        }
    }
}

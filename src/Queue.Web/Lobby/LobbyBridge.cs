using CounterQueue.Silo.Lobby;
using Microsoft.AspNetCore.SignalR;

namespace CounterQueue.Web.Lobby;

/// <summary>
/// This web host's ear in the cluster: a grain observer that receives lobby events and sends them
/// to the SignalR groups they are for. It renews its subscription while the host runs.
/// </summary>
public sealed class LobbyBridge(IGrainFactory grains, IHubContext<LobbyHub> hub, ILogger<LobbyBridge> logger)
    : BackgroundService, ILobbyObserver
{
    private static readonly TimeSpan Renew = TimeSpan.FromSeconds(15);
    private ILobbyObserver? _reference;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _reference = grains.CreateObjectReference<ILobbyObserver>(this);
        var subscriptions = grains.GetGrain<ILobbySubscriptionsGrain>(0);
        using var timer = new PeriodicTimer(Renew);
        do
        {
            try
            {
                await subscriptions.SubscribeAsync(_reference);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not renew the lobby subscription; retrying in {Interval}", Renew);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reference, null) is { } reference)
        {
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

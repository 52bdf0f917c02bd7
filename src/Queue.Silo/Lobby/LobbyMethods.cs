
namespace CounterQueue.Silo.Lobby;

/// <summary>The names of the lobby hub's server → client methods, shared with the pages.</summary>
public static class LobbyMethods
{
    public const string TicketCalled = nameof(TicketCalled);
    public const string PickupReady = nameof(PickupReady);
    public const string QueueUpdated = nameof(QueueUpdated);
    public const string CounterChanged = nameof(CounterChanged);
    public const string Notice = nameof(Notice);
    public const string TicketUpdated = nameof(TicketUpdated);
    public const string RemoteConsultationChanged = nameof(RemoteConsultationChanged);
    /// <summary>This host is leaving: reconnect (through the load balancer, to another) within <c>withinMs</c>.</summary>
    public const string Reconnect = nameof(Reconnect);
}

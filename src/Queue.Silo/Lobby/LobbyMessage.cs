using CounterQueue.Silo.Tickets;

namespace CounterQueue.Silo.Lobby;

/// <summary>
/// One event and where it goes: the office (and, with a floor, that floor's displays), or — for
/// <see cref="TicketUpdated"/> — only the followers of <see cref="TicketId"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("cq.ev.message")]
public sealed record LobbyMessage(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] string? Floor,
    [property: Id(2)] string? TicketId,
    [property: Id(3)] LobbyPayload Payload)
{
    public static LobbyMessage ToOffice(string officeId, string? floor, LobbyPayload payload) => new(officeId, floor, null, payload);
    public static LobbyMessage ToFollowers(TicketView ticket) => new(ticket.OfficeId, null, ticket.TicketId, new TicketUpdated(ticket));
}

using System.Text.Json.Serialization;
using CounterQueue.Silo.Tickets;

namespace CounterQueue.Silo.Lobby;

[GenerateSerializer, Immutable, Alias("cq.ev.ticket")]
public sealed record TicketUpdated([property: Id(0)] TicketView Ticket) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.TicketUpdated;
}

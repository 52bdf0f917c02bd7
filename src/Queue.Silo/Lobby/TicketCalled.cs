using System.Text.Json.Serialization;
using CounterQueue.Domain;

namespace CounterQueue.Silo.Lobby;

[GenerateSerializer, Immutable, Alias("cq.ev.called")]
public sealed record TicketCalled(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] string Number,
    [property: Id(2)] string ServiceId,
    [property: Id(3)] string CounterId,
    [property: Id(4)] LocalizedText CounterLabel,
    [property: Id(5)] string Floor,
    [property: Id(6)] DateTimeOffset CalledAt,
    [property: Id(7)] bool Recall,
    [property: Id(8)] string Step) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.TicketCalled;
}

using System.Text.Json.Serialization;

namespace CounterQueue.Silo.Lobby;

[GenerateSerializer, Immutable, Alias("cq.ev.pickup")]
public sealed record PickupReady(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] string Number,
    [property: Id(2)] string ServiceId,
    [property: Id(3)] DateTimeOffset ReadyAt) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.PickupReady;
}

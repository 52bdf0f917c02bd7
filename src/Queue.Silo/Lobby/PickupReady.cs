using System.Text.Json.Serialization;

namespace CounterQueue.Silo.Lobby;

[GenerateSerializer, Immutable, Alias("cq.ev.pickup")]
public sealed record PickupReady(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] string Number,
    [property: Id(2)] string ServiceId,
    [property: Id(3)] DateTimeOffset ReadyAt,
    // Not collected for a while: shown again (recall), or taken off the board (uncollected, 未交付).
    [property: Id(4)] bool Recall = false,
    [property: Id(5)] bool Uncollected = false) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.PickupReady;
}

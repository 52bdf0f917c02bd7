using System.Text.Json.Serialization;
using CounterQueue.Domain.Counters;

namespace CounterQueue.Silo.Lobby;

[GenerateSerializer, Immutable, Alias("cq.ev.counter")]
public sealed record CounterChanged(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] string CounterId,
    [property: Id(2)] CounterStatus State) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.CounterChanged;
}

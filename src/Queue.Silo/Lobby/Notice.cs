using System.Text.Json.Serialization;
using CounterQueue.Domain;

namespace CounterQueue.Silo.Lobby;

[GenerateSerializer, Immutable, Alias("cq.ev.notice")]
public sealed record Notice(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] string Kind,
    [property: Id(2)] LocalizedText Text) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.Notice;
}

using System.Text.Json.Serialization;

namespace CounterQueue.Silo.Lobby;

/// <summary>A branch's remote consultation became available or not (api.md): sent to the branch's subscribers when it flips.</summary>
[GenerateSerializer, Immutable, Alias("cq.ev.remote")]
public sealed record RemoteConsultationChanged(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] bool Available,
    [property: Id(2)] string? Reason) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.RemoteConsultationChanged;
}

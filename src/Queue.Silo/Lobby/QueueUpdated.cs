using System.Text.Json.Serialization;

namespace CounterQueue.Silo.Lobby;

[GenerateSerializer, Immutable, Alias("cq.ev.queue")]
public sealed record QueueUpdated(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] string ServiceId,
    [property: Id(2)] int Waiting,
    [property: Id(3)] int EstimatedWaitMinutes) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.QueueUpdated;
}

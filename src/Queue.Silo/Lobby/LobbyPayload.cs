using System.Text.Json.Serialization;

namespace CounterQueue.Silo.Lobby;

/// <summary>What the lobby hears. Nothing here names a visitor or a ticket id, except <see cref="TicketUpdated"/>,
/// which goes only to the ticket's own followers.</summary>
[GenerateSerializer, Immutable]
public abstract record LobbyPayload
{
    [JsonIgnore] public abstract string Method { get; }
}

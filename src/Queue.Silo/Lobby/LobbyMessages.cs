using System.Text.Json.Serialization;
using CounterQueue.Domain;
using CounterQueue.Domain.Counters;
using CounterQueue.Silo.Tickets;

namespace CounterQueue.Silo.Lobby;

/// <summary>The names of the lobby hub's server → client methods, shared with the pages.</summary>
public static class LobbyMethods
{
    public const string TicketCalled = nameof(TicketCalled);
    public const string PickupReady = nameof(PickupReady);
    public const string QueueUpdated = nameof(QueueUpdated);
    public const string CounterChanged = nameof(CounterChanged);
    public const string Notice = nameof(Notice);
    public const string TicketUpdated = nameof(TicketUpdated);
}

/// <summary>What the lobby hears. Nothing here names a visitor or a ticket id, except <see cref="TicketUpdated"/>,
/// which goes only to the ticket's own followers.</summary>
[GenerateSerializer, Immutable]
public abstract record LobbyPayload
{
    [JsonIgnore] public abstract string Method { get; }
}

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

[GenerateSerializer, Immutable, Alias("cq.ev.pickup")]
public sealed record PickupReady(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] string Number,
    [property: Id(2)] string ServiceId,
    [property: Id(3)] DateTimeOffset ReadyAt) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.PickupReady;
}

[GenerateSerializer, Immutable, Alias("cq.ev.queue")]
public sealed record QueueUpdated(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] string ServiceId,
    [property: Id(2)] int Waiting,
    [property: Id(3)] int EstimatedWaitMinutes) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.QueueUpdated;
}

[GenerateSerializer, Immutable, Alias("cq.ev.counter")]
public sealed record CounterChanged(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] string CounterId,
    [property: Id(2)] CounterStatus State) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.CounterChanged;
}

[GenerateSerializer, Immutable, Alias("cq.ev.notice")]
public sealed record Notice(
    [property: Id(0)] string OfficeId,
    [property: Id(1)] string Kind,
    [property: Id(2)] LocalizedText Text) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.Notice;
}

[GenerateSerializer, Immutable, Alias("cq.ev.ticket")]
public sealed record TicketUpdated([property: Id(0)] TicketView Ticket) : LobbyPayload
{
    [JsonIgnore] public override string Method => LobbyMethods.TicketUpdated;
}

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

using CounterQueue.Domain;
using CounterQueue.Domain.Tickets;

namespace CounterQueue.Silo.Tickets;

/// <summary>Where a ticket is to go: a counter, with its label and floor.</summary>
[GenerateSerializer, Immutable, Alias("cq.counterRef")]
public sealed record CounterRef(
    [property: Id(0)] string Id,
    [property: Id(1)] LocalizedText Label,
    [property: Id(2)] string Floor);

/// <summary>A ticket as the public API shows it (GET /api/tickets/{ticketId}).</summary>
[GenerateSerializer, Immutable, Alias("cq.ticketView")]
public sealed record TicketView(
    [property: Id(0)] string TicketId,
    [property: Id(1)] string Number,
    [property: Id(2)] string OfficeId,
    [property: Id(3)] string ServiceId,
    [property: Id(4)] TicketStatus Status,
    [property: Id(5)] int Position,
    [property: Id(6)] int EstimatedWaitMinutes,
    [property: Id(7)] string Floor,
    [property: Id(8)] DateTimeOffset IssuedAt,
    [property: Id(9)] CounterRef? Counter,
    [property: Id(10)] DateTimeOffset? CalledAt,
    [property: Id(11)] string Step,
    [property: Id(12)] Priority Priority,
    [property: Id(13)] string? Language,
    [property: Id(14)] int Recalls,
    [property: Id(15)] LocalizedText ServiceName);

/// <summary>A lookup in the line that issued a ticket: the ticket, or the line it moved to.</summary>
[GenerateSerializer, Immutable, Alias("cq.ticketLookup")]
public sealed record TicketLookup(
    [property: Id(0)] TicketView? Ticket,
    [property: Id(1)] string? MovedToServiceId);

/// <summary>One service's line at a glance, for the services list and displays.</summary>
[GenerateSerializer, Immutable, Alias("cq.lineSummary")]
public sealed record LineSummary(
    [property: Id(0)] string ServiceId,
    [property: Id(1)] int Waiting,
    [property: Id(2)] int EstimatedWaitMinutes,
    [property: Id(3)] int OpenCounters,
    [property: Id(4)] bool Accepting);

/// <summary>What a counter sees in one line when it calls: the heads to choose from, and any ticket
/// the line still has at this counter (so a counter that crashed mid-call picks it up again).</summary>
[GenerateSerializer, Immutable, Alias("cq.peek")]
public sealed record LinePeek(
    [property: Id(0)] IReadOnlyList<Domain.Counters.CallCandidate> Candidates,
    [property: Id(1)] TicketView? InHand);

[GenerateSerializer, Immutable, Alias("cq.issue")]
public sealed record IssueTicket(
    [property: Id(0)] string TicketId,
    [property: Id(1)] Priority Priority,
    [property: Id(2)] string? Language);

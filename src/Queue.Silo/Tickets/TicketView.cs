using CounterQueue.Domain;
using CounterQueue.Domain.Tickets;

namespace CounterQueue.Silo.Tickets;

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
    [property: Id(15)] LocalizedText ServiceName,
    [property: Id(16)] string? Channel = null,
    // A ready ticket nobody collected (未交付): off the pick-up board until staff make it ready again.
    [property: Id(17)] bool Uncollected = false);

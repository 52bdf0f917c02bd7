
namespace CounterQueue.Silo.Tickets;

/// <summary>A lookup in the line that issued a ticket: the ticket, or the line it moved to.</summary>
[GenerateSerializer, Immutable, Alias("cq.ticketLookup")]
public sealed record TicketLookup(
    [property: Id(0)] TicketView? Ticket,
    [property: Id(1)] string? MovedToServiceId);

using CounterQueue.Domain.Tickets;

namespace CounterQueue.Silo.Tickets;

[GenerateSerializer, Immutable, Alias("cq.issue")]
public sealed record IssueTicket(
    [property: Id(0)] string TicketId,
    [property: Id(1)] Priority Priority,
    [property: Id(2)] string? Language,
    [property: Id(3)] DateTimeOffset? ServedFrom = null,
    [property: Id(4)] string? Channel = null);

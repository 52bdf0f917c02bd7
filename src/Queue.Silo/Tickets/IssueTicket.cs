using CounterQueue.Domain.Tickets;

namespace CounterQueue.Silo.Tickets;

[GenerateSerializer, Immutable, Alias("cq.issue")]
public sealed record IssueTicket(
    [property: Id(0)] string TicketId,
    [property: Id(1)] Priority Priority,
    [property: Id(2)] string? Language,
    [property: Id(3)] DateTimeOffset? ServedFrom = null,
    [property: Id(4)] string? Channel = null,
    // The caller's process (PendingWrites.HostId) when it waits for the ticket's write itself: the line may then answer as
    // soon as the write is handed to the store. Null: the line answers once the ticket is durable.
    [property: Id(5)] Guid? CallerHost = null);

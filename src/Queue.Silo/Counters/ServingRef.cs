using CounterQueue.Domain.Tickets;

namespace CounterQueue.Silo.Counters;

[GenerateSerializer, Immutable, Alias("cq.serving")]
public sealed record ServingRef(
    [property: Id(0)] string Number,
    [property: Id(1)] string ServiceId,
    [property: Id(2)] TicketStatus Status,
    [property: Id(3)] DateTimeOffset CalledAt);

using CounterQueue.Domain;

namespace CounterQueue.Silo.Tickets;

/// <summary>Where a ticket is to go: a counter, with its label and floor.</summary>
[GenerateSerializer, Immutable, Alias("cq.counterRef")]
public sealed record CounterRef(
    [property: Id(0)] string Id,
    [property: Id(1)] LocalizedText Label,
    [property: Id(2)] string Floor);

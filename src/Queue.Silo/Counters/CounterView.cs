using CounterQueue.Domain;
using CounterQueue.Domain.Counters;

namespace CounterQueue.Silo.Counters;

/// <summary>A counter as the public API shows it.</summary>
[GenerateSerializer, Immutable, Alias("cq.counterView")]
public sealed record CounterView(
    [property: Id(0)] string Id,
    [property: Id(1)] LocalizedText Label,
    [property: Id(2)] string Floor,
    [property: Id(3)] IReadOnlyList<string> ServiceIds,
    [property: Id(4)] CounterStatus State,
    [property: Id(5)] bool Temporary,
    [property: Id(6)] ServingRef? Serving,
    [property: Id(7)] IReadOnlyList<RecentCallView> RecentCalls);

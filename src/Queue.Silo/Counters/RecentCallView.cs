
namespace CounterQueue.Silo.Counters;

/// <summary>A number called at a counter earlier today.</summary>
[GenerateSerializer, Immutable, Alias("cq.recentCall")]
public sealed record RecentCallView(
    [property: Id(0)] string Number,
    [property: Id(1)] string ServiceId,
    [property: Id(2)] DateTimeOffset CalledAt);

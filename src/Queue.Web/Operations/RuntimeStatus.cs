namespace CounterQueue.Web.Operations;

/// <summary>
/// What the cluster holds in memory now (GET /api/admin/runtime): grain activations by kind across every silo, and
/// this host's working set and managed heap. Old days' lines and idle counters leave; this shows that they did.
/// </summary>
public sealed record RuntimeStatus(
    DateTimeOffset Now,
    IReadOnlyDictionary<string, int> Activations,
    long WorkingSetBytes,
    long ManagedHeapBytes);

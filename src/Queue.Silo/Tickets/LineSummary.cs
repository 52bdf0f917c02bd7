
namespace CounterQueue.Silo.Tickets;

/// <summary>One service's line at a glance, for the services list and displays.</summary>
[GenerateSerializer, Immutable, Alias("cq.lineSummary")]
public sealed record LineSummary(
    [property: Id(0)] string ServiceId,
    [property: Id(1)] int Waiting,
    [property: Id(2)] int EstimatedWaitMinutes,
    [property: Id(3)] int OpenCounters,
    [property: Id(4)] bool Accepting);

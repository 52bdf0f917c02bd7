namespace CounterQueue.Domain.Tickets;

/// <summary>
/// Wait estimates from measured service durations: the mean of the most recent ones
/// × (tickets ahead + 1) ÷ counters open. Until enough durations are measured, the
/// service's configured default is used.
/// </summary>
public static class WaitEstimator
{
    /// <summary>How many recent durations are kept and averaged.</summary>
    public const int Window = 20;
    /// <summary>Fewer measured durations than this and the default is used.</summary>
    public const int MinimumSamples = 3;
    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Longest = TimeSpan.FromHours(2);

    /// <summary>Adds a measured duration, clamped to a sane range, keeping only the last <see cref="Window"/>.</summary>
    public static void Record(List<double> recentSeconds, TimeSpan duration)
    {
        var clamped = duration < Shortest ? Shortest : duration > Longest ? Longest : duration;
        recentSeconds.Add(clamped.TotalSeconds);
        if (recentSeconds.Count > Window) recentSeconds.RemoveRange(0, recentSeconds.Count - Window);
    }

    public static double AverageServiceMinutes(IReadOnlyCollection<double> recentSeconds, double defaultMinutes) =>
        recentSeconds.Count < MinimumSamples ? defaultMinutes : recentSeconds.Average() / 60.0;

    /// <summary>Minutes until a ticket with <paramref name="position"/> tickets ahead of it is likely called.</summary>
    public static int EstimateMinutes(int position, double averageServiceMinutes, int countersOpen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        var counters = Math.Max(1, countersOpen);
        return (int)Math.Ceiling((position + 1) * averageServiceMinutes / counters);
    }
}

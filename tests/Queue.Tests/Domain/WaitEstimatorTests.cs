using CounterQueue.Domain.Tickets;

namespace CounterQueue.Tests.Domain;

public sealed class WaitEstimatorTests
{
    [Fact]
    public void Uses_the_default_until_there_are_enough_measurements()
    {
        var samples = new List<double>();
        WaitEstimator.Record(samples, TimeSpan.FromMinutes(1));
        WaitEstimator.Record(samples, TimeSpan.FromMinutes(1));
        Assert.Equal(10, WaitEstimator.AverageServiceMinutes(samples, 10));
        WaitEstimator.Record(samples, TimeSpan.FromMinutes(1));
        Assert.Equal(1, WaitEstimator.AverageServiceMinutes(samples, 10), precision: 6);
    }

    [Fact]
    public void Keeps_only_the_most_recent_measurements()
    {
        var samples = new List<double>();
        for (var i = 0; i < 50; i++) WaitEstimator.Record(samples, TimeSpan.FromMinutes(i < 30 ? 30 : 3));
        Assert.Equal(WaitEstimator.Window, samples.Count);
        Assert.Equal(3, WaitEstimator.AverageServiceMinutes(samples, 10), precision: 6);
    }

    [Fact]
    public void Clamps_absurd_durations()
    {
        var samples = new List<double>();
        WaitEstimator.Record(samples, TimeSpan.FromDays(1));
        WaitEstimator.Record(samples, TimeSpan.Zero);
        Assert.Equal([TimeSpan.FromHours(2).TotalSeconds, 15], samples);
    }

    [Theory]
    [InlineData(0, 5.0, 1, 5)]
    [InlineData(4, 5.0, 1, 25)]
    [InlineData(4, 5.0, 2, 13)]
    [InlineData(4, 5.0, 0, 25)] // no counter open: as if one
    public void Estimate_is_position_times_service_time_over_counters(int position, double minutes, int counters, int expected) =>
        Assert.Equal(expected, WaitEstimator.EstimateMinutes(position, minutes, counters));
}

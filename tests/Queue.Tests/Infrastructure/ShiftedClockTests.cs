using CounterQueue.Silo.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CounterQueue.Tests.Infrastructure;

public sealed class ShiftedClockTests
{
    [Fact]
    public void A_shifted_clock_starts_where_it_was_told_and_runs_at_the_machines_speed()
    {
        var machine = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 1, 0, 0, TimeSpan.Zero));
        var start = new DateTimeOffset(2026, 12, 1, 23, 57, 0, TimeSpan.FromHours(9));
        var clock = new ShiftedClock(start, machine);
        Assert.Equal(start, clock.GetUtcNow());
        machine.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(start.AddMinutes(5), clock.GetUtcNow());
        Assert.Equal(machine.GetTimestamp(), clock.GetTimestamp()); // durations are the machine's
    }

    [Theory]
    [InlineData("2026-11-01T23:57:00+09:00", true, true)]
    [InlineData("2026-11-01T23:57+09:00", true, true)]
    [InlineData("2026-11-01T23:57:00", false, false)]          // no offset: which zone?
    [InlineData("2999-12-01T23:57:00+09:00", true, false)]     // ahead of the machine's clock
    [InlineData("tomorrow", false, false)]
    public void The_start_must_say_its_offset_and_not_be_ahead_of_the_machine(string value, bool parses, bool valid)
    {
        var options = new QueueOptions { ClockStartsAt = value };
        Assert.Equal(parses, options.ClockStart is not null);
        Assert.Equal(valid, new QueueOptionsValidator().Validate(null, options).Succeeded);
    }
}

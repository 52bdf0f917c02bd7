namespace CounterQueue.Silo.Infrastructure;

/// <summary>
/// The clock of a demonstration, a training session or a benchmark (Queue:ClockStartsAt): it reads
/// <paramref name="start"/> when created and runs at the underlying clock's speed from there. Timers and timestamps
/// are the underlying clock's, so durations are real.
/// </summary>
public sealed class ShiftedClock(DateTimeOffset start, TimeProvider underlying) : TimeProvider
{
    private readonly TimeSpan _shift = start - underlying.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => underlying.GetUtcNow() + _shift;
    public override TimeZoneInfo LocalTimeZone => underlying.LocalTimeZone;
    public override long TimestampFrequency => underlying.TimestampFrequency;
    public override long GetTimestamp() => underlying.GetTimestamp();
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        underlying.CreateTimer(callback, state, dueTime, period);
}

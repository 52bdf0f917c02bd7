using System.Globalization;
using CounterQueue.Domain.Calendar;

namespace CounterQueue.Tests.Support;

/// <summary>Waiting for a real process: poll a condition with a deadline (never a fixed sleep).</summary>
public static class Poll
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            if (deadline.IsCancellationRequested) Assert.Fail($"timed out after {timeout} waiting until {what}");
            await Task.Delay(Interval);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>
    /// A temporary-counter session for a real process, which runs on the machine's clock: from now +
    /// <paramref name="startIn"/> for <paramref name="length"/>, Japan time. A session cannot cross midnight, so
    /// within that distance of it this waits (polling the clock) until the new day has begun.
    /// </summary>
    public static async Task<(object Body, DateTimeOffset Start, DateTimeOffset End)> RealSessionAsync(TimeSpan startIn, TimeSpan length)
    {
        var room = startIn + length + TimeSpan.FromSeconds(5);
        bool Fits() => Tokyo.ToLocal(TimeProvider.System.GetUtcNow()).TimeOfDay < TimeSpan.FromDays(1) - room;
        await UntilAsync(Fits, room + TimeSpan.FromSeconds(10), "the day has room for the session");
        var start = Tokyo.ToLocal(TimeProvider.System.GetUtcNow() + startIn);
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1);
        return (SessionBody(start, start + length), start, start + length);
    }

    public static object SessionBody(DateTimeOffset start, DateTimeOffset end) => new
    {
        date = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        opens = start.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        closes = end.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
    };
}

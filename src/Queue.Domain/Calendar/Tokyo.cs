namespace CounterQueue.Domain.Calendar;

/// <summary>The offices' time zone. Japan has had no daylight saving since 1951, so +09:00 is a safe fallback.</summary>
public static class Tokyo
{
    public static readonly TimeZoneInfo Zone = Find();

    private static TimeZoneInfo Find()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Tokyo", TimeSpan.FromHours(9), "Asia/Tokyo", "JST");
        }
    }

    /// <summary>The instant in Tokyo local time, with its +09:00 offset.</summary>
    public static DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    /// <summary>The instant at the given local date and time of day (time of day may be 24:00).</summary>
    public static DateTimeOffset At(DateOnly date, TimeSpan timeOfDay)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).Add(timeOfDay);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }
}

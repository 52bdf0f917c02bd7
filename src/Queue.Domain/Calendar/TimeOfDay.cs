using System.Globalization;

namespace CounterQueue.Domain.Calendar;

/// <summary>
/// Times of day as offices write them: "HH:mm" or "HH:mm:ss" (also "9:00"), where "24:00" is the end of the day.
/// The one parser and formatter for office hours, temporary-counter sessions and the API.
/// </summary>
public static class TimeOfDay
{
    public static readonly TimeSpan EndOfDay = TimeSpan.FromHours(24);
    private static readonly string[] Formats = ["HH\\:mm", "HH\\:mm\\:ss", "H\\:mm"];

    public static bool TryParse(string? text, out TimeSpan time)
    {
        if (text is "24:00" or "24:00:00")
        {
            time = EndOfDay;
            return true;
        }
        if (text is not null && TimeOnly.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            time = parsed.ToTimeSpan();
            return true;
        }
        time = default;
        return false;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var time) ? time : throw new FormatException($"'{text}' is not a time of day (HH:mm).");

    /// <summary>"09:00", "16:30:15", "24:00": seconds only when there are any.</summary>
    public static string Format(TimeSpan time) =>
        time >= EndOfDay ? "24:00" : time.ToString(time.Seconds == 0 ? "hh\\:mm" : "hh\\:mm\\:ss", CultureInfo.InvariantCulture);

    /// <summary>"09:00", as notices and timetables show it (to the minute).</summary>
    public static string FormatMinutes(TimeSpan time) => $"{(int)time.TotalHours:00}:{time.Minutes:00}";
}

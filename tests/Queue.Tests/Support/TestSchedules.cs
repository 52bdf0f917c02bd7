using CounterQueue.Domain.Calendar;

namespace CounterQueue.Tests.Support;

/// <summary>Opening hours the domain tests share, and Japan-time instants written as local times.</summary>
public static class TestSchedules
{
    /// <summary>A ward office: weekdays 08:30-17:00, the 2nd and 4th Saturdays 08:30-12:30, closed on holidays and 12/29-1/3.</summary>
    public static readonly OfficeSchedule Ward = new()
    {
        Weekdays = DailyHours.Parse("08:30", "17:00"),
        Saturdays = new SaturdayHours { Hours = DailyHours.Parse("08:30", "12:30"), WeeksOfMonth = [2, 4] },
    };

    /// <summary>"2026-11-24T10:00:00" as that time in Japan.</summary>
    public static DateTimeOffset Jst(string local) => DateTimeOffset.Parse(local + "+09:00", System.Globalization.CultureInfo.InvariantCulture);
}

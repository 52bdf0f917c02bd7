namespace CounterQueue.Domain.Calendar;

/// <summary>
/// Japanese national holidays (国民の祝日) under the current law, with substitute holidays (振替休日)
/// and sandwiched citizens' holidays (国民の休日). Equinox days use the standard approximation,
/// valid from 1980 to 2099; the Cabinet announces them each February and has matched it so far.
/// </summary>
public static class JapaneseHolidays
{
    public static bool IsHoliday(DateOnly date) => NameOf(date) is not null;

    /// <summary>The holiday's Japanese name, or null on an ordinary day.</summary>
    public static string? NameOf(DateOnly date)
    {
        if (FixedOrMovable(date) is { } name) return name;
        if (IsSubstitute(date)) return "振替休日";
        // 国民の休日: a day between two holidays that is not itself a holiday or a Sunday.
        if (date.DayOfWeek != DayOfWeek.Sunday
            && FixedOrMovable(date.AddDays(-1)) is not null
            && FixedOrMovable(date.AddDays(1)) is not null)
            return "国民の休日";
        return null;
    }

    private static bool IsSubstitute(DateOnly date)
    {
        if (FixedOrMovable(date) is not null) return false;
        // Walk back over consecutive holidays; if that run contains a Sunday, the first
        // non-holiday day after it is the substitute holiday.
        var day = date.AddDays(-1);
        while (FixedOrMovable(day) is not null)
        {
            if (day.DayOfWeek == DayOfWeek.Sunday) return true;
            day = day.AddDays(-1);
        }
        return false;
    }

    private static string? FixedOrMovable(DateOnly d)
    {
        var (y, m, day) = (d.Year, d.Month, d.Day);
        switch (m)
        {
            case 1 when day == 1: return "元日";
            case 1 when IsNthMonday(d, 2): return "成人の日";
            case 2 when day == 11: return "建国記念の日";
            case 2 when day == 23 && y >= 2020: return "天皇誕生日";
            case 3 when day == VernalEquinox(y): return "春分の日";
            case 4 when day == 29: return "昭和の日";
            case 5 when day == 3: return "憲法記念日";
            case 5 when day == 4: return "みどりの日";
            case 5 when day == 5: return "こどもの日";
            case 7 when y == 2020 && day == 23 || y == 2021 && day == 22: return "海の日";
            case 7 when y == 2020 && day == 24 || y == 2021 && day == 23: return "スポーツの日";
            case 7 when y is not (2020 or 2021) && IsNthMonday(d, 3): return "海の日";
            case 8 when y == 2020 && day == 10 || y == 2021 && day == 8: return "山の日";
            case 8 when y is not (2020 or 2021) && y >= 2016 && day == 11: return "山の日";
            case 9 when IsNthMonday(d, 3): return "敬老の日";
            case 9 when day == AutumnalEquinox(y): return "秋分の日";
            case 10 when y is not (2020 or 2021) && IsNthMonday(d, 2): return y >= 2020 ? "スポーツの日" : "体育の日";
            case 11 when day == 3: return "文化の日";
            case 11 when day == 23: return "勤労感謝の日";
            default: return null;
        }
    }

    private static bool IsNthMonday(DateOnly d, int n) => d.DayOfWeek == DayOfWeek.Monday && (d.Day - 1) / 7 == n - 1;

    private static int VernalEquinox(int year) =>
        (int)Math.Floor(20.8431 + 0.242194 * (year - 1980) - Math.Floor((year - 1980) / 4.0));

    private static int AutumnalEquinox(int year) =>
        (int)Math.Floor(23.2488 + 0.242194 * (year - 1980) - Math.Floor((year - 1980) / 4.0));
}

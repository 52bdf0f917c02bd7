using CounterQueue.Domain.Calendar;

namespace CounterQueue.Tests.Domain;

public sealed class JapaneseHolidaysTests
{
    // The Cabinet Office's list for 2025 (令和7年), with its substitute holidays.
    [Theory]
    [InlineData("2025-01-01", "元日")]
    [InlineData("2025-01-13", "成人の日")]
    [InlineData("2025-02-11", "建国記念の日")]
    [InlineData("2025-02-23", "天皇誕生日")]
    [InlineData("2025-02-24", "振替休日")]
    [InlineData("2025-03-20", "春分の日")]
    [InlineData("2025-04-29", "昭和の日")]
    [InlineData("2025-05-03", "憲法記念日")]
    [InlineData("2025-05-04", "みどりの日")]
    [InlineData("2025-05-05", "こどもの日")]
    [InlineData("2025-05-06", "振替休日")]
    [InlineData("2025-07-21", "海の日")]
    [InlineData("2025-08-11", "山の日")]
    [InlineData("2025-09-15", "敬老の日")]
    [InlineData("2025-09-23", "秋分の日")]
    [InlineData("2025-10-13", "スポーツの日")]
    [InlineData("2025-11-03", "文化の日")]
    [InlineData("2025-11-23", "勤労感謝の日")]
    [InlineData("2025-11-24", "振替休日")]
    [InlineData("2026-09-22", "国民の休日")] // between 敬老の日 (9/21) and 秋分の日 (9/23)
    [InlineData("2026-05-06", "振替休日")]   // 5/3 is a Sunday: the substitute is after the run of holidays
    public void Names_the_holidays_of_the_calendar(string date, string name) =>
        Assert.Equal(name, JapaneseHolidays.NameOf(DateOnly.Parse(date)));

    [Theory]
    [InlineData("2025-01-06")]
    [InlineData("2025-05-07")]
    [InlineData("2026-11-24")]
    [InlineData("2025-09-22")]
    public void Ordinary_days_are_not_holidays(string date) => Assert.False(JapaneseHolidays.IsHoliday(DateOnly.Parse(date)));

    [Fact]
    public void A_year_has_the_expected_number_of_holidays()
    {
        var days = Enumerable.Range(0, 365).Select(i => new DateOnly(2025, 1, 1).AddDays(i));
        Assert.Equal(19, days.Count(JapaneseHolidays.IsHoliday)); // 16 holidays + 3 substitutes in 2025
    }
}

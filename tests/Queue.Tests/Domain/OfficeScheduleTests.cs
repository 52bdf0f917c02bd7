using CounterQueue.Domain.Calendar;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Domain;

public sealed class OfficeScheduleTests
{
    private static readonly OfficeSchedule Ward = TestSchedules.Ward;

    private static DateTimeOffset Jst(string local) => TestSchedules.Jst(local);

    [Theory]
    [InlineData("2026-11-24T08:29:59", false)] // Tuesday, before opening
    [InlineData("2026-11-24T08:30:00", true)]
    [InlineData("2026-11-24T16:59:59", true)]
    [InlineData("2026-11-24T17:00:00", false)]
    [InlineData("2026-11-23T10:00:00", false)] // 勤労感謝の日
    [InlineData("2026-11-14T10:00:00", true)]  // 2nd Saturday
    [InlineData("2026-11-28T10:00:00", true)]  // 4th Saturday
    [InlineData("2026-11-28T12:30:00", false)] // Saturday hours end at 12:30
    [InlineData("2026-11-21T10:00:00", false)] // 3rd Saturday
    [InlineData("2026-11-22T10:00:00", false)] // Sunday
    [InlineData("2026-12-29T10:00:00", false)] // 年末年始
    [InlineData("2027-01-04T10:00:00", true)]
    public void Knows_when_the_ward_office_is_open(string local, bool open) =>
        Assert.Equal(open, Ward.IsOpen(Jst(local)));

    [Fact]
    public void Works_from_any_offset_in_Japan_time() =>
        Assert.True(Ward.IsOpen(DateTimeOffset.Parse("2026-11-24T00:30:00Z"))); // 09:30 in Tokyo

    [Theory]
    [InlineData("2026-11-24T07:00:00", "2026-11-24T08:30:00")]
    [InlineData("2026-11-24T17:30:00", "2026-11-25T08:30:00")]
    [InlineData("2026-11-27T18:00:00", "2026-11-28T08:30:00")] // Friday evening → 4th Saturday
    [InlineData("2026-12-28T18:00:00", "2027-01-04T08:30:00")] // over the year-end closure
    [InlineData("2026-11-24T10:00:00", "2026-11-24T10:00:00")] // open now
    public void Says_when_it_next_opens(string local, string expected) =>
        Assert.Equal(Jst(expected), Ward.NextOpening(Jst(local)));

    [Fact]
    public void An_office_that_never_opens_has_no_next_opening() =>
        Assert.Null(new OfficeSchedule().NextOpening(Jst("2026-11-24T10:00:00")));

    [Fact]
    public void Hours_may_run_to_midnight()
    {
        var allDay = new OfficeSchedule { Weekdays = DailyHours.Parse("00:00", "24:00"), ClosedOnHolidays = false };
        Assert.True(allDay.IsOpen(Jst("2026-11-24T23:59:59")));
    }

    [Fact]
    public void Closing_before_opening_is_refused() =>
        Assert.Throws<FormatException>(() => DailyHours.Parse("17:00", "08:30"));
}

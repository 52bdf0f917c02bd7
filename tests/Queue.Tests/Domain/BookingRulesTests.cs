using CounterQueue.Domain.Bookings;
using CounterQueue.Domain.Calendar;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Domain;

/// <summary>The booking (予約) rules alone: slots, the booking window, confirmation codes, check-in, calendar files.</summary>
public sealed class BookingRulesTests
{
    private static readonly OfficeSchedule Ward = TestSchedules.Ward;

    private static readonly SlotPolicy Policy = new() { SlotMinutes = 30, Capacity = 2, HorizonDays = 30, CutoffMinutes = 60 };

    private static DateTimeOffset Jst(string local) => TestSchedules.Jst(local);

    [Theory]
    [InlineData("2026-11-24", 17, "08:30", "16:30")] // Tuesday: 08:30-17:00 in 30-minute slots
    [InlineData("2026-11-28", 8, "08:30", "12:00")]  // 4th Saturday: 08:30-12:30
    [InlineData("2026-11-21", 0, null, null)]        // 3rd Saturday: closed
    [InlineData("2026-11-23", 0, null, null)]        // 勤労感謝の日
    [InlineData("2026-12-29", 0, null, null)]        // 年末年始
    [InlineData("2027-01-04", 17, "08:30", "16:30")]
    public void Slots_run_back_to_back_through_the_offices_hours_on_the_days_it_opens(string date, int count, string? first, string? last)
    {
        var slots = SlotCalendar.SlotsOn(DateOnly.Parse(date), Ward, Policy);
        Assert.Equal(count, slots.Count);
        if (count == 0) return;
        Assert.Equal(Jst($"{date}T{first}:00"), slots[0].Start);
        Assert.Equal(Jst($"{date}T{last}:00"), slots[^1].Start);
        Assert.All(slots, s => Assert.Equal(TimeSpan.FromMinutes(30), s.End - s.Start));
        Assert.All(slots.Zip(slots.Skip(1)), p => Assert.Equal(p.First.End, p.Second.Start));
    }

    [Fact]
    public void A_slot_that_would_run_past_closing_is_not_offered_and_blocked_days_have_none()
    {
        var longSlots = Policy with { SlotMinutes = 60 }; // 08:30-17:00 is 8.5 hours: the last whole hour starts at 15:30
        Assert.Equal(Jst("2026-11-24T15:30:00"), SlotCalendar.SlotsOn(new DateOnly(2026, 11, 24), Ward, longSlots)[^1].Start);
        var blocked = Policy with { BlockedDates = [new DateOnly(2026, 11, 24)] };
        Assert.Empty(SlotCalendar.SlotsOn(new DateOnly(2026, 11, 24), Ward, blocked));
        Assert.Null(SlotCalendar.Find(Jst("2026-11-24T09:00:00"), Ward, blocked));
        Assert.NotNull(SlotCalendar.Find(Jst("2026-11-24T09:00:00"), Ward, Policy));
        Assert.Null(SlotCalendar.Find(Jst("2026-11-24T09:10:00"), Ward, Policy)); // not a slot's start
    }

    [Theory]
    [InlineData("2026-11-24T10:00:00", 0, null)]
    [InlineData("2026-11-24T10:00:00", 1, null)]
    [InlineData("2026-11-24T10:00:00", 2, BookingRefusal.Full)]
    [InlineData("2026-11-24T08:00:00", 0, BookingRefusal.Past)]   // began already (now is 08:30)
    [InlineData("2026-11-24T08:30:00", 0, BookingRefusal.Past)]   // begins now
    [InlineData("2026-11-24T09:29:00", 0, BookingRefusal.CutOff)] // less than an hour ahead
    [InlineData("2026-11-24T09:30:00", 0, null)]                  // exactly an hour ahead
    [InlineData("2026-12-24T10:00:00", 0, null)]                  // 30 days ahead
    [InlineData("2026-12-25T10:00:00", 0, BookingRefusal.BeyondHorizon)]
    public void The_booking_window_is_from_the_horizon_to_the_cut_off_while_places_remain(string start, int booked, BookingRefusal? refusal)
    {
        var now = Jst("2026-11-24T08:30:00");
        var slot = new Slot(Jst(start), Jst(start).AddMinutes(30));
        Assert.Equal(refusal, SlotCalendar.Check(slot, now, Policy, booked));
    }

    [Fact]
    public void Policies_out_of_range_are_refused_with_a_reason_each()
    {
        Assert.Empty(Policy.Problems());
        var problems = new SlotPolicy { SlotMinutes = 7, Capacity = 0, HorizonDays = -1, CutoffMinutes = -5 }.Problems();
        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("slotMinutes"));
        Assert.Contains(problems, p => p.Contains("capacity"));
    }

    [Fact]
    public void Codes_have_no_look_alike_characters_and_read_back_however_they_are_typed()
    {
        foreach (var c in "0O1IL2Z5S8BDQUV6G") Assert.DoesNotContain(c, ConfirmationCode.Alphabet);
        var codes = Enumerable.Range(0, 2000).Select(_ => ConfirmationCode.New()).ToList();
        Assert.All(codes, code => Assert.Matches("^[ACEFHJKMNPRTWXY3479]{4}-[ACEFHJKMNPRTWXY3479]{4}$", code));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes.Take(20), code => Assert.Equal(code, ConfirmationCode.Normalize(code)));

        Assert.Equal("K7RM-3XHA", ConfirmationCode.Normalize(" k7rm 3xha "));
        Assert.Equal("K7RM-3XHA", ConfirmationCode.Normalize("K7RM3XHA"));
        Assert.Null(ConfirmationCode.Normalize("K7RM-3XH"));   // too short
        Assert.Null(ConfirmationCode.Normalize("K0RM-3XHA"));  // 0 is never in a code
        Assert.Null(ConfirmationCode.Normalize(null));
        Assert.Null(ConfirmationCode.Normalize(new string('A', 100)));
    }

    [Theory]
    [InlineData("2026-11-24T09:45:00", CheckInOutcome.Early, "2026-11-24T10:00:00")]
    [InlineData("2026-11-24T10:00:00", CheckInOutcome.OnTime, "2026-11-24T10:00:00")]
    [InlineData("2026-11-24T10:15:00", CheckInOutcome.OnTime, "2026-11-24T10:00:00")]   // 15 minutes late keeps the place
    [InlineData("2026-11-24T10:15:01", CheckInOutcome.WalkIn, "2026-11-24T10:15:01")]   // later: an ordinary ticket from now
    [InlineData("2026-11-24T10:45:00", CheckInOutcome.WalkIn, "2026-11-24T10:45:00")]   // slot end + 15 minutes
    [InlineData("2026-11-24T10:45:01", CheckInOutcome.NoShow, "2026-11-24T10:45:01")]
    public void Check_in_keeps_the_slots_place_up_to_fifteen_minutes_late(string now, CheckInOutcome outcome, string effective)
    {
        var slot = new Slot(Jst("2026-11-24T10:00:00"), Jst("2026-11-24T10:30:00"));
        Assert.Equal(outcome, CheckInRules.Decide(slot, Jst(now)));
        Assert.Equal(Jst(effective), CheckInRules.EffectiveAt(slot, Jst(now)));
        Assert.Equal(outcome == CheckInOutcome.NoShow, CheckInRules.IsNoShow(slot, Jst(now)));
    }

    [Fact]
    public void A_calendar_file_is_one_utc_event_with_escaped_and_folded_lines()
    {
        var slot = new Slot(Jst("2026-11-24T10:00:00"), Jst("2026-11-24T10:30:00"));
        var ics = CalendarFile.Event("b-123@counterqueue", slot, "川崎区役所: 住民票の写し; 予約", "川崎区役所 2階, 区民課",
            "予約番号 K7RM-3XHA\n" + new string('あ', 40), Jst("2026-11-20T12:00:00"));

        Assert.StartsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", ics);
        Assert.EndsWith("END:VEVENT\r\nEND:VCALENDAR\r\n", ics);
        Assert.Contains("DTSTART:20261124T010000Z\r\n", ics);
        Assert.Contains("DTEND:20261124T013000Z\r\n", ics);
        Assert.Contains("SUMMARY:川崎区役所: 住民票の写し\\; 予約\r\n", ics);
        Assert.Contains("LOCATION:川崎区役所 2階\\, 区民課\r\n", ics);
        Assert.DoesNotContain("\n", ics.Replace("\r\n", "")); // no bare line feed: the description's break is escaped
        Assert.All(ics.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
        var unfolded = ics.Replace("\r\n ", "");
        Assert.Contains("DESCRIPTION:予約番号 K7RM-3XHA\\n" + new string('あ', 40) + "\r\n", unfolded);
    }

    [Fact]
    public void A_day_books_up_to_each_slots_capacity_and_a_cancelled_place_is_free_again_at_once()
    {
        var state = new BookingDayState();
        var day = new BookingDay(state, new DateOnly(2026, 11, 24), Ward, Policy);
        var now = Jst("2026-11-20T09:00:00");
        var ten = Jst("2026-11-24T10:00:00");
        day.Book("b1", "AAAA-AAAA", ten, now, new BookingContact("山田", null, null), "ja");
        day.Book("b2", "CCCC-CCCC", ten, now, null, null);
        var full = Assert.Throws<CounterQueue.Domain.QueueRuleException>(() => day.Book("b3", "EEEE-EEEE", ten, now, null, null));
        Assert.Equal("slot-full", full.Code);
        Assert.Equal(0, day.Availability(now).Single(s => s.Start == ten).Remaining);
        Assert.Equal(2, day.Availability(now).Single(s => s.Start == ten.AddMinutes(30)).Remaining);

        Assert.Equal(BookingStatus.Cancelled, day.Cancel("b1", now).Status);
        Assert.Equal(1, day.Availability(now).Single(s => s.Start == ten).Remaining);
        Assert.Equal("b3", day.Book("b3", "EEEE-EEEE", ten, now, null, null).Id);

        Assert.Equal("not-a-slot", Assert.Throws<CounterQueue.Domain.QueueRuleException>(() => day.Book("b4", "F", Jst("2026-11-25T10:00:00"), now, null, null)).Code); // another day
        Assert.Equal("booking-not-found", Assert.Throws<CounterQueue.Domain.QueueRuleException>(() => day.Cancel("nobody", now)).Code);
        state.Bookings[1] = state.Bookings[1] with { Status = BookingStatus.CheckedIn };
        Assert.Equal("booking-not-cancellable", Assert.Throws<CounterQueue.Domain.QueueRuleException>(() => day.Cancel("b2", now)).Code);
        // Once the cut-off has passed, no slot of the morning shows a place.
        Assert.All(day.Availability(Jst("2026-11-24T11:30:00")).Where(s => s.Start < Jst("2026-11-24T12:30:00")), s => Assert.Equal(0, s.Remaining));
    }
}

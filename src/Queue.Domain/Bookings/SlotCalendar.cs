using CounterQueue.Domain.Calendar;

namespace CounterQueue.Domain.Bookings;

/// <summary>
/// The slots of a bookable service: back to back from the office's opening to its closing on the days it opens
/// (weekdays, the 2nd and 4th Saturdays where the office opens then, never on holidays or 12/29–1/3 unless the office
/// opens then), none on the service's blocked days; a slot that would run past closing is not offered.
/// </summary>
public static class SlotCalendar
{
    public static IReadOnlyList<Slot> SlotsOn(DateOnly date, OfficeSchedule hours, SlotPolicy policy)
    {
        if (policy.BlockedDates.Contains(date) || hours.HoursOn(date) is not { } open) return [];
        var length = TimeSpan.FromMinutes(policy.SlotMinutes);
        var slots = new List<Slot>();
        for (var start = open.Opens; start + length <= open.Closes; start += length)
            slots.Add(new Slot(Tokyo.At(date, start), Tokyo.At(date, start + length)));
        return slots;
    }

    /// <summary>The slot starting exactly at <paramref name="start"/>, if the service has one then.</summary>
    public static Slot? Find(DateTimeOffset start, OfficeSchedule hours, SlotPolicy policy) =>
        SlotsOn(Tokyo.DateOf(start), hours, policy).FirstOrDefault(s => s.Start == start);

    /// <summary>Whether a visitor could book <paramref name="slot"/> at <paramref name="now"/> with <paramref name="booked"/> places taken.</summary>
    public static BookingRefusal? Check(Slot slot, DateTimeOffset now, SlotPolicy policy, int booked)
    {
        if (slot.Start <= now) return BookingRefusal.Past;
        if (slot.Start - now < TimeSpan.FromMinutes(policy.CutoffMinutes)) return BookingRefusal.CutOff;
        if (Tokyo.DateOf(slot.Start).DayNumber - Tokyo.DateOf(now).DayNumber > policy.HorizonDays) return BookingRefusal.BeyondHorizon;
        if (booked >= policy.Capacity) return BookingRefusal.Full;
        return null;
    }
}

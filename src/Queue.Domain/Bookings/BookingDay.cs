using CounterQueue.Domain.Calendar;

namespace CounterQueue.Domain.Bookings;

/// <summary>The bookings of one service on one day, as stored.</summary>
public sealed class BookingDayState
{
    public List<BookingRecord> Bookings { get; set; } = [];
}

/// <summary>
/// The booking rules of one service's day (予約): the day's slots and their remaining places, booking a place (never
/// beyond a slot's capacity), cancelling (the place is free again at once). One service's day is one unit, so booking
/// never contends with another service or day.
/// </summary>
public sealed class BookingDay(BookingDayState state, DateOnly day, OfficeSchedule hours, SlotPolicy policy)
{
    public IReadOnlyList<BookingRecord> Bookings => state.Bookings;

    public BookingRecord? Find(string bookingId) => state.Bookings.FirstOrDefault(b => b.Id == bookingId);

    private int Taken(Slot slot) => state.Bookings.Count(b => b.Start == slot.Start && b.Status != BookingStatus.Cancelled);

    /// <summary>
    /// Every slot of the day with the places that can still be booked at <paramref name="now"/>; <paramref name="free"/>
    /// caps a slot's places by what else it needs (a consultation's free rooms and section staff).
    /// </summary>
    public IReadOnlyList<SlotAvailability> Availability(DateTimeOffset now, Func<Slot, int>? free = null) =>
        SlotCalendar.SlotsOn(day, hours, policy)
            .Select(s => (Slot: s, Taken: Taken(s)))
            .Select(x => new SlotAvailability(x.Slot.Start, x.Slot.End, policy.Capacity,
                SlotCalendar.Check(x.Slot, now, policy, x.Taken) is null ? Math.Min(policy.Capacity - x.Taken, free?.Invoke(x.Slot) ?? int.MaxValue) : 0))
            .ToList();

    /// <summary>The slot starting at <paramref name="start"/> if it can be booked now, or a 409 saying why not.</summary>
    public Slot Bookable(DateTimeOffset start, DateTimeOffset now)
    {
        if (Tokyo.DateOf(start) != day || SlotCalendar.Find(start, hours, policy) is not { } slot)
            throw QueueRuleException.Conflict(ProblemCodes.NotASlot, "No slot of this service starts at that time; ask for the day's slots.");
        var refusal = SlotCalendar.Check(slot, now, policy, Taken(slot));
        if (refusal is { } why) throw Refused(why);
        return slot;
    }

    /// <summary>
    /// Books a place in the slot starting at <paramref name="start"/>, or says in a 409 why it cannot be booked.
    /// <paramref name="resources"/>: the room and section staff a consultation holds (already held by the caller).
    /// </summary>
    public BookingRecord Book(string id, string code, DateTimeOffset start, DateTimeOffset now, BookingContact? contact, string? language,
        ConsultationHolds? resources = null)
    {
        var slot = Bookable(start, now);
        var booking = new BookingRecord
        {
            Id = id, Code = code, Start = slot.Start, End = slot.End, Language = language, Contact = contact, BookedAt = now,
            Consultation = resources,
        };
        state.Bookings.Add(booking);
        return booking;
    }

    /// <summary>Cancels a booking that is still booked; its place is free again at once. Cancelling twice is not an error.</summary>
    public BookingRecord Cancel(string bookingId, DateTimeOffset now)
    {
        var index = state.Bookings.FindIndex(b => b.Id == bookingId);
        if (index < 0) throw QueueRuleException.NotFound(ProblemCodes.BookingNotFound, "No such booking.");
        var booking = state.Bookings[index];
        if (booking.Status == BookingStatus.Cancelled) return booking;
        if (booking.StatusAt(now) != BookingStatus.Booked)
            throw QueueRuleException.Conflict(ProblemCodes.BookingNotCancellable, $"A booking that is {booking.StatusAt(now)} can no longer be cancelled.");
        return state.Bookings[index] = booking with { Status = BookingStatus.Cancelled, CancelledAt = now };
    }

    /// <summary>
    /// Checks a booking in at <paramref name="now"/> (受付): it becomes a ticket (id from <paramref name="newTicketId"/>)
    /// that counts from the slot start, or from now if the visitor is more than 15 minutes late. Checking in again
    /// answers the same. Returns the booking and whether it became an ordinary walk-in ticket.
    /// </summary>
    public (BookingRecord Booking, CheckInOutcome Outcome) CheckIn(string bookingId, DateTimeOffset now, Func<string> newTicketId)
    {
        var index = state.Bookings.FindIndex(b => b.Id == bookingId);
        if (index < 0) throw QueueRuleException.NotFound(ProblemCodes.BookingNotFound, "No such booking.");
        var booking = state.Bookings[index];
        if (booking.Status == BookingStatus.CheckedIn)
            return (booking, booking.ServedFrom == booking.Start ? CheckInRules.Decide(booking.Slot, booking.CheckedInAt!.Value) : CheckInOutcome.WalkIn);
        if (booking.Status == BookingStatus.Cancelled) throw QueueRuleException.Conflict(ProblemCodes.BookingCancelled, "This booking was cancelled; take a ticket at the kiosk.");
        var outcome = CheckInRules.Decide(booking.Slot, now);
        if (booking.Status == BookingStatus.NoShow || outcome == CheckInOutcome.NoShow)
            throw QueueRuleException.Conflict(ProblemCodes.BookingNoShow, "The booking's time is over; take a ticket at the kiosk.");
        if (Tokyo.DateOf(now) != day)
            throw QueueRuleException.Conflict(ProblemCodes.CheckInNotToday, $"Check-in opens on {day:yyyy-MM-dd}, the day of the booking.");
        var checkedIn = booking with
        {
            Status = BookingStatus.CheckedIn, CheckedInAt = now, TicketId = newTicketId(), ServedFrom = CheckInRules.EffectiveAt(booking.Slot, now),
        };
        state.Bookings[index] = checkedIn;
        return (checkedIn, outcome);
    }

    /// <summary>
    /// Forgets the contact details of every booking whose slot ended before <paramref name="before"/> (個人情報の削除);
    /// the booking keeps its times and status. Returns how many were forgotten.
    /// </summary>
    public int ForgetContacts(DateTimeOffset before)
    {
        var forgotten = 0;
        for (var i = 0; i < state.Bookings.Count; i++)
        {
            if (state.Bookings[i] is not { Contact: not null } booking || booking.End >= before) continue;
            state.Bookings[i] = booking with { Contact = null };
            forgotten++;
        }
        return forgotten;
    }

    private static QueueRuleException Refused(BookingRefusal refusal) => refusal switch
    {
        BookingRefusal.Full => QueueRuleException.Conflict(ProblemCodes.SlotFull, "Every place in this slot is taken; choose another slot."),
        BookingRefusal.Past => QueueRuleException.Conflict(ProblemCodes.SlotPast, "This slot has already begun."),
        BookingRefusal.CutOff => QueueRuleException.Conflict(ProblemCodes.SlotCutOff, "This slot is too close to its start to be booked; take a ticket at the office instead."),
        BookingRefusal.BeyondHorizon => QueueRuleException.Conflict(ProblemCodes.SlotBeyondHorizon, "This slot is too far ahead to be booked yet."),
        _ => QueueRuleException.Conflict(ProblemCodes.NotASlot, "No slot of this service starts at that time."),
    };
}

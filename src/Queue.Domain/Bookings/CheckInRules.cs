namespace CounterQueue.Domain.Bookings;

/// <summary>
/// Check-in (受付) of a booking: it joins the walk-in line as a ticket that counts from its slot start — ahead of
/// walk-ins who came later, never ahead of anyone already called — if the visitor is at most
/// <see cref="LateAllowance"/> late; later, it becomes an ordinary walk-in ticket. A booking nobody checked in by the
/// slot's end plus <see cref="NoShowGrace"/> is a no-show.
/// </summary>
public static class CheckInRules
{
    public static readonly TimeSpan LateAllowance = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan NoShowGrace = TimeSpan.FromMinutes(15);

    public static CheckInOutcome Decide(Slot slot, DateTimeOffset now) => now switch
    {
        _ when now < slot.Start => CheckInOutcome.Early,
        _ when now <= slot.Start + LateAllowance => CheckInOutcome.OnTime,
        _ when now <= slot.End + NoShowGrace => CheckInOutcome.WalkIn,
        _ => CheckInOutcome.NoShow,
    };

    /// <summary>The time the ticket counts from in the line (its place): the slot start, or now for a walk-in.</summary>
    public static DateTimeOffset EffectiveAt(Slot slot, DateTimeOffset now) =>
        Decide(slot, now) is CheckInOutcome.Early or CheckInOutcome.OnTime ? slot.Start : now;

    /// <summary>Whether a booking not checked in is a no-show at <paramref name="now"/>.</summary>
    public static bool IsNoShow(Slot slot, DateTimeOffset now) => now > slot.End + NoShowGrace;
}

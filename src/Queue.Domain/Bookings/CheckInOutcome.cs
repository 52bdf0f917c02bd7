namespace CounterQueue.Domain.Bookings;

/// <summary>What checking in at the kiosk does with a booking.</summary>
public enum CheckInOutcome
{
    /// <summary>Before the slot: the ticket waits until the slot starts, then is served from its start.</summary>
    Early,
    /// <summary>From the slot start up to the late allowance: served from the slot start (the booking's place).</summary>
    OnTime,
    /// <summary>Later than the allowance: an ordinary walk-in ticket from now; the booking's place is gone.</summary>
    WalkIn,
    /// <summary>After the slot's end and the no-show grace: the booking was not kept; take a ticket instead.</summary>
    NoShow,
}

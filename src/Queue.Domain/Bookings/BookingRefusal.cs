namespace CounterQueue.Domain.Bookings;

/// <summary>Why a slot cannot be booked now.</summary>
public enum BookingRefusal
{
    /// <summary>No slot of the service starts at that time (or the office is closed that day, or it is blocked).</summary>
    NotASlot,
    /// <summary>The slot has begun or is over.</summary>
    Past,
    /// <summary>Too close to its start (the cut-off).</summary>
    CutOff,
    /// <summary>Further ahead than the service takes bookings.</summary>
    BeyondHorizon,
    /// <summary>Every place is taken.</summary>
    Full,
}

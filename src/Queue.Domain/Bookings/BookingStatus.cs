namespace CounterQueue.Domain.Bookings;

public enum BookingStatus
{
    Booked,
    Cancelled,
    /// <summary>Checked in at the kiosk: it became a ticket.</summary>
    CheckedIn,
    /// <summary>Not checked in by the slot's end plus the grace.</summary>
    NoShow,
}

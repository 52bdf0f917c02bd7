using CounterQueue.Domain.Bookings;

namespace CounterQueue.Silo.Bookings;

/// <summary>One bookable service's bookings on one day (key: <see cref="BookingDayKey"/>).</summary>
public interface IBookingDayGrain : IGrainWithStringKey
{
    /// <summary>The day's slots; for a branch consultation, capped by free rooms and (given a section) its free staff.</summary>
    Task<IReadOnlyList<SlotAvailability>> SlotsAsync(string? sectionId = null);
    /// <summary>Books a place, or answers the booking already made with this id (a retry).</summary>
    Task<BookingView> BookAsync(BookCommand command);
    Task<BookingView?> GetAsync(string bookingId);
    Task<BookingView> CancelAsync(string bookingId);
    /// <summary>Check-in at the kiosk: the booking becomes a ticket in today's line of its service.</summary>
    Task<CheckInResult> CheckInAsync(string bookingId);
    /// <summary>Every booking of the day in slot order, for the service's staff.</summary>
    Task<IReadOnlyList<BookingStaffView>> ListAsync();
    /// <summary>Forgets contact details of bookings whose slot ended before <paramref name="before"/>: how many, and how many are left.</summary>
    Task<ContactsForgotten> ForgetContactsAsync(DateTimeOffset before);
}

[GenerateSerializer, Immutable, Alias("cq.contactsForgotten")]
public sealed record ContactsForgotten([property: Id(0)] int Forgotten, [property: Id(1)] int Left);

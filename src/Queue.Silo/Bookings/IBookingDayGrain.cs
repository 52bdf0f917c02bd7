using CounterQueue.Domain.Bookings;

namespace CounterQueue.Silo.Bookings;

/// <summary>One bookable service's bookings on one day (key: <see cref="BookingDayKey"/>).</summary>
public interface IBookingDayGrain : IGrainWithStringKey
{
    Task<IReadOnlyList<SlotAvailability>> SlotsAsync();
    /// <summary>Books a place, or answers the booking already made with this id (a retry).</summary>
    Task<BookingView> BookAsync(BookCommand command);
    Task<BookingView?> GetAsync(string bookingId);
    Task<BookingView> CancelAsync(string bookingId);
    /// <summary>Check-in at the kiosk: the booking becomes a ticket in today's line of its service.</summary>
    Task<CheckInResult> CheckInAsync(string bookingId);
}

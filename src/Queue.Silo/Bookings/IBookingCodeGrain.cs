namespace CounterQueue.Silo.Bookings;

/// <summary>
/// Which booking a confirmation code names at an office (key: "office/CODE"), so the kiosk can check a visitor in by
/// the code they type or show. A code is claimed before its booking is stored, so two bookings never share one.
/// </summary>
public interface IBookingCodeGrain : IGrainWithStringKey
{
    /// <summary>True if the code was free or already names this booking; false if another booking holds it.</summary>
    Task<bool> ClaimAsync(string bookingId);

    Task<string?> GetAsync();
}

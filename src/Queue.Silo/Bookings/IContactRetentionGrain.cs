namespace CounterQueue.Silo.Bookings;

/// <summary>
/// One office's register of the booking days that hold contact details (keyed by office id), so the daily purge
/// visits only those days and never scans every day ever booked.
/// </summary>
public interface IContactRetentionGrain : IGrainWithStringKey
{
    Task RememberAsync(string serviceId, DateOnly day);
    /// <summary>
    /// Forgets the contact details of bookings whose slot ended before <paramref name="before"/>, day by day (one call
    /// per remembered day that ended before it); returns how many bookings were affected.
    /// </summary>
    Task<int> ForgetBeforeAsync(DateTimeOffset before);
}

using CounterQueue.Silo.Tickets;

namespace CounterQueue.Silo.Bookings;

/// <summary>The key of one service's bookings for one day: "office/service/yyyyMMdd", written like its ticket line's.</summary>
public readonly record struct BookingDayKey(string OfficeId, string ServiceId, DateOnly Day)
{
    /// <summary>The same service's ticket line that day (where a checked-in booking's ticket goes).</summary>
    public TicketLineKey Line => new(OfficeId, ServiceId, Day);

    public string ToGrainKey() => Line.ToGrainKey();

    public static BookingDayKey Parse(string key) => From(TicketLineKey.Parse(key));

    public static BookingDayKey From(TicketLineKey line) => new(line.OfficeId, line.ServiceId, line.Day);
}

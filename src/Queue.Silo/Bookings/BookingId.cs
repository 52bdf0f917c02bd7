using System.Globalization;
using System.Text.RegularExpressions;
using CounterQueue.Silo.Tickets;

namespace CounterQueue.Silo.Bookings;

/// <summary>
/// A booking's id: "b.office.service.yyyyMMdd.random". The middle parts name the service's day that holds it (so a
/// lookup needs no index); the last is 128 random bits, which is what makes the id unguessable and lets its holder
/// read or cancel the booking. The leading "b." keeps it apart from ticket ids.
/// </summary>
public static partial class BookingId
{
    [GeneratedRegex("^b\\.([a-z0-9][a-z0-9-]{0,39})\\.([a-z0-9][a-z0-9-]{0,39})\\.([0-9]{8})\\.([A-Za-z0-9_-]{22})$")]
    private static partial Regex Pattern();

    public static string New(BookingDayKey day) =>
        $"b.{day.OfficeId}.{day.ServiceId}.{day.Day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.{TicketId.Random()}";

    /// <summary>The service's day that holds the booking, or null when the text is not a booking id.</summary>
    public static BookingDayKey? Day(string? bookingId)
    {
        if (bookingId is null || bookingId.Length > 120) return null;
        var match = Pattern().Match(bookingId);
        if (!match.Success) return null;
        return DateOnly.TryParseExact(match.Groups[3].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new BookingDayKey(match.Groups[1].Value, match.Groups[2].Value, day)
            : null;
    }
}

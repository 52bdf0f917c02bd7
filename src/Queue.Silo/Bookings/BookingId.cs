using CounterQueue.Silo.Tickets;

namespace CounterQueue.Silo.Bookings;

/// <summary>
/// A booking's id: "b." followed by what a ticket id of the same service's day would be ("office.service.yyyyMMdd."
/// and 128 random bits). The middle parts name the service's day that holds it (so a lookup needs no index); the random
/// part makes the id unguessable and lets its holder read or cancel the booking. The "b." keeps it apart from tickets.
/// </summary>
public static class BookingId
{
    private const string Prefix = "b.";

    public static string New(BookingDayKey day) => Prefix + TicketId.New(day.Line);

    /// <summary>The service's day that holds the booking, or null when the text is not a booking id.</summary>
    public static BookingDayKey? Day(string? bookingId) =>
        bookingId is not null && bookingId.StartsWith(Prefix, StringComparison.Ordinal) && TicketId.IssuingLine(bookingId[Prefix.Length..]) is { } line
            ? BookingDayKey.From(line)
            : null;
}

using CounterQueue.Domain.Bookings;

namespace CounterQueue.Web.Bookings;

public sealed record BookingRequest(string? OfficeId, string? ServiceId, DateTimeOffset? Start, BookingContact? Contact, string? Language);

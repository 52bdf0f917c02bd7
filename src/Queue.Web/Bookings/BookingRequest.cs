using CounterQueue.Domain.Bookings;

namespace CounterQueue.Web.Bookings;

/// <summary>A booking to make; <c>sectionId</c> is the ward section a branch consultation is with (its topic).</summary>
public sealed record BookingRequest(string? OfficeId, string? ServiceId, DateTimeOffset? Start, BookingContact? Contact, string? Language, string? SectionId = null);

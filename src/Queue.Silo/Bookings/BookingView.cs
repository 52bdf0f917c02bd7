using CounterQueue.Domain.Bookings;

namespace CounterQueue.Silo.Bookings;

/// <summary>A booking as the API shows it to its holder (no contact details). A branch consultation names its room and section.</summary>
[GenerateSerializer, Immutable, Alias("cq.bookingView")]
public sealed record BookingView(
    [property: Id(0)] string BookingId,
    [property: Id(1)] string Code,
    [property: Id(2)] string OfficeId,
    [property: Id(3)] string ServiceId,
    [property: Id(4)] DateTimeOffset Start,
    [property: Id(5)] DateTimeOffset End,
    [property: Id(6)] BookingStatus Status,
    [property: Id(7)] string? Language,
    [property: Id(8)] string? RoomId = null,
    [property: Id(9)] string? SectionId = null);

/// <summary>
/// A booking as the staff of its service see it on the day (予約一覧): whether the visitor checked in, is late, or did
/// not come, with the contact details the visitor chose to give (staff only; never on displays, the hub or in logs).
/// </summary>
[GenerateSerializer, Immutable, Alias("cq.bookingStaffView")]
public sealed record BookingStaffView(
    [property: Id(0)] BookingView Booking,
    [property: Id(1)] bool Late,
    [property: Id(2)] DateTimeOffset? CheckedInAt,
    [property: Id(3)] string? TicketId,
    [property: Id(4)] bool ServedFromSlot,
    [property: Id(5)] BookingContact? Contact);

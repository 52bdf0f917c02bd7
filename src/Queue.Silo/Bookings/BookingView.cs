using CounterQueue.Domain.Bookings;

namespace CounterQueue.Silo.Bookings;

/// <summary>A booking as the API shows it to its holder (no contact details).</summary>
[GenerateSerializer, Immutable, Alias("cq.bookingView")]
public sealed record BookingView(
    [property: Id(0)] string BookingId,
    [property: Id(1)] string Code,
    [property: Id(2)] string OfficeId,
    [property: Id(3)] string ServiceId,
    [property: Id(4)] DateTimeOffset Start,
    [property: Id(5)] DateTimeOffset End,
    [property: Id(6)] BookingStatus Status,
    [property: Id(7)] string? Language);

using CounterQueue.Domain.Bookings;

namespace CounterQueue.Silo.Bookings;

/// <summary>A booking to make; <paramref name="SectionId"/> is the ward section a branch consultation is with.</summary>
[GenerateSerializer, Immutable, Alias("cq.book")]
public sealed record BookCommand(
    [property: Id(0)] string BookingId,
    [property: Id(1)] DateTimeOffset Start,
    [property: Id(2)] BookingContact? Contact,
    [property: Id(3)] string? Language,
    [property: Id(4)] string? SectionId = null);

using CounterQueue.Domain.Bookings;

namespace CounterQueue.Silo.Bookings;

[GenerateSerializer, Immutable, Alias("cq.book")]
public sealed record BookCommand(
    [property: Id(0)] string BookingId,
    [property: Id(1)] DateTimeOffset Start,
    [property: Id(2)] BookingContact? Contact,
    [property: Id(3)] string? Language);

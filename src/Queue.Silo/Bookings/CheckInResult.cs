using CounterQueue.Domain.Bookings;
using CounterQueue.Silo.Tickets;

namespace CounterQueue.Silo.Bookings;

/// <summary>A checked-in booking and the ticket it became; <see cref="Outcome"/> says whether it kept the slot's place.</summary>
[GenerateSerializer, Immutable, Alias("cq.checkIn")]
public sealed record CheckInResult(
    [property: Id(0)] TicketView Ticket,
    [property: Id(1)] BookingView Booking,
    [property: Id(2)] CheckInOutcome Outcome);

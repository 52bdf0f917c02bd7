namespace CounterQueue.Domain.Bookings;

/// <summary>How to reach the visitor about a booking (all optional). Personal data: never on displays, the lobby or in logs.</summary>
public sealed record BookingContact(string? Name, string? Phone, string? Email);

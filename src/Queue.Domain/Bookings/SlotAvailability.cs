namespace CounterQueue.Domain.Bookings;

/// <summary>A slot and how many places it has left now (0 also once it can no longer be booked).</summary>
public sealed record SlotAvailability(DateTimeOffset Start, DateTimeOffset End, int Capacity, int Remaining);

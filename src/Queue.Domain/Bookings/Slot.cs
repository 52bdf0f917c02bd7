namespace CounterQueue.Domain.Bookings;

/// <summary>One bookable time of a service on a day (Japan time).</summary>
public sealed record Slot(DateTimeOffset Start, DateTimeOffset End);

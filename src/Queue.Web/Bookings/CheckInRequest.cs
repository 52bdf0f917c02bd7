namespace CounterQueue.Web.Bookings;

public sealed record CheckInRequest(string? Code);

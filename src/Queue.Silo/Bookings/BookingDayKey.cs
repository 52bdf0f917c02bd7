using System.Globalization;

namespace CounterQueue.Silo.Bookings;

/// <summary>The key of one service's bookings for one day: "office/service/yyyyMMdd".</summary>
public readonly record struct BookingDayKey(string OfficeId, string ServiceId, DateOnly Day)
{
    public string ToGrainKey() => $"{OfficeId}/{ServiceId}/{Day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    public static BookingDayKey Parse(string key)
    {
        var parts = key.Split('/');
        if (parts.Length != 3) throw new FormatException($"'{key}' is not a booking day key.");
        return new(parts[0], parts[1], DateOnly.ParseExact(parts[2], "yyyyMMdd", CultureInfo.InvariantCulture));
    }
}

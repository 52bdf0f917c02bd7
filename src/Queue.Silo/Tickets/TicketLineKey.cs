using System.Globalization;

namespace CounterQueue.Silo.Tickets;

/// <summary>The key of one service's line for one business day: "office/service/yyyyMMdd".</summary>
public readonly record struct TicketLineKey(string OfficeId, string ServiceId, DateOnly Day)
{
    public string ToGrainKey() => $"{OfficeId}/{ServiceId}/{Day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    public static TicketLineKey Parse(string key)
    {
        var parts = key.Split('/');
        if (parts.Length != 3) throw new FormatException($"'{key}' is not a ticket line key.");
        return new(parts[0], parts[1], DateOnly.ParseExact(parts[2], "yyyyMMdd", CultureInfo.InvariantCulture));
    }
}

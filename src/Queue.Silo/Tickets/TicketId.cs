using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace CounterQueue.Silo.Tickets;

/// <summary>
/// A ticket's id: "office.service.yyyyMMdd.random". The first three parts name the line that issued
/// it (so a lookup needs no index); the last is 128 random bits, which is what makes the id
/// unguessable and lets its holder read or cancel the ticket.
/// </summary>
public static partial class TicketId
{
    [GeneratedRegex("^([a-z0-9][a-z0-9-]{0,39})\\.([a-z0-9][a-z0-9-]{0,39})\\.([0-9]{8})\\.([A-Za-z0-9_-]{22})$")]
    private static partial Regex Pattern();

    public static string New(TicketLineKey line) =>
        $"{line.OfficeId}.{line.ServiceId}.{line.Day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.{Random()}";

    /// <summary>A new id for the same line with the given random part (used when the random part was fixed earlier).</summary>
    public static string Random()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The line that issued the ticket, or null when the text is not a ticket id.</summary>
    public static TicketLineKey? IssuingLine(string? ticketId)
    {
        if (ticketId is null || ticketId.Length > 120) return null;
        var match = Pattern().Match(ticketId);
        if (!match.Success) return null;
        return DateOnly.TryParseExact(match.Groups[3].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new TicketLineKey(match.Groups[1].Value, match.Groups[2].Value, day)
            : null;
    }
}

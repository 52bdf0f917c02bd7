using System.Globalization;
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

    /// <summary>Characters of the random part: 128 bits in unpadded base64url.</summary>
    private const int RandomLength = 22;

    public static string New(TicketLineKey line) => Prefix(line) + Random();

    /// <summary>What every id of the line starts with: "office.service.yyyyMMdd.".</summary>
    public static string Prefix(TicketLineKey line) =>
        $"{line.OfficeId}.{line.ServiceId}.{line.Day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.";

    /// <summary>128 random bits from the system's cryptographic generator, in unpadded base64url (22 characters).</summary>
    public static string Random()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomBytes.Fill(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// Whether <paramref name="ticketId"/> is an id of the line whose <see cref="Prefix"/> is given: the same check as
    /// <see cref="IssuingLine"/> against a known line, without the pattern (on the path of every ticket issued).
    /// </summary>
    public static bool BelongsTo(string? ticketId, string linePrefix)
    {
        if (ticketId is null || ticketId.Length != linePrefix.Length + RandomLength || !ticketId.StartsWith(linePrefix, StringComparison.Ordinal)) return false;
        foreach (var c in ticketId.AsSpan(linePrefix.Length))
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')) return false;
        return true;
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

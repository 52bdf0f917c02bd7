using System.Globalization;

namespace CounterQueue.Silo.Tickets;

/// <summary>
/// A ticket's id: "office.service.yyyyMMdd.random". The first three parts name the line that issued
/// it (so a lookup needs no index); the last is 128 random bits, which is what makes the id
/// unguessable and lets its holder read or cancel the ticket.
/// </summary>
public static class TicketId
{
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

    /// <summary>
    /// The line that issued the ticket, or null when the text is not a ticket id: "office.service.yyyyMMdd.random", the
    /// office and the service 1-40 of a-z, 0-9 and '-' (not first), a real date, 22 characters of base64url. Read by hand
    /// rather than with a pattern: every ticket issued and every phone's look-up passes here.
    /// </summary>
    public static TicketLineKey? IssuingLine(string? ticketId)
    {
        if (ticketId is null || ticketId.Length > 120) return null;
        var text = ticketId.AsSpan();
        var office = Part(ref text);
        var service = Part(ref text);
        if (office <= 0 || service <= 0 || text.Length != 8 + 1 + RandomLength || text[8] != '.') return null;
        foreach (var c in text[..8])
            if (!char.IsAsciiDigit(c)) return null;
        foreach (var c in text[9..])
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')) return null;
        if (!DateOnly.TryParseExact(text[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return null;
        return new TicketLineKey(ticketId[..office], ticketId.Substring(office + 1, service), day);

        // The length of a name and the dot after it, moving past them; 0 if there is no valid name there.
        static int Part(ref ReadOnlySpan<char> text)
        {
            var dot = text.IndexOf('.');
            if (dot is < 1 or > 40 || !IsNameStart(text[0])) return 0;
            foreach (var c in text[1..dot])
                if (!IsNameStart(c) && c != '-') return 0;
            text = text[(dot + 1)..];
            return dot;
        }

        static bool IsNameStart(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
    }
}

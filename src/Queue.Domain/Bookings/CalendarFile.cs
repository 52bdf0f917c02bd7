using System.Globalization;
using System.Text;

namespace CounterQueue.Domain.Bookings;

/// <summary>
/// A booking as an iCalendar file (RFC 5545, .ics) a phone's calendar can add: one event in UTC with the office,
/// the service and the confirmation code; no personal data.
/// </summary>
public static class CalendarFile
{
    public static string Event(string uid, Slot slot, string summary, string location, string description, DateTimeOffset stamp)
    {
        var text = new StringBuilder();
        void Line(string line) => Fold(text, line);
        Line("BEGIN:VCALENDAR");
        Line("VERSION:2.0");
        Line("PRODID:-//CounterQueue//Bookings//JA");
        Line("CALSCALE:GREGORIAN");
        Line("METHOD:PUBLISH");
        Line("BEGIN:VEVENT");
        Line($"UID:{Escape(uid)}");
        Line($"DTSTAMP:{Utc(stamp)}");
        Line($"DTSTART:{Utc(slot.Start)}");
        Line($"DTEND:{Utc(slot.End)}");
        Line($"SUMMARY:{Escape(summary)}");
        Line($"LOCATION:{Escape(location)}");
        Line($"DESCRIPTION:{Escape(description)}");
        Line("END:VEVENT");
        Line("END:VCALENDAR");
        return text.ToString();
    }

    private static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Text values: backslash, semicolon and comma escaped, line breaks as \n.</summary>
    private static string Escape(string value) => value
        .Replace("\\", "\\\\").Replace(";", "\\;").Replace(",", "\\,").Replace("\r\n", "\\n").Replace("\n", "\\n").Replace("\r", "\\n");

    /// <summary>Lines end in CRLF and are folded at 75 octets (UTF-8), never inside a character.</summary>
    private static void Fold(StringBuilder text, string line)
    {
        var octets = 0;
        var first = true;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > (first ? 75 : 74))
            {
                text.Append("\r\n ");
                octets = 0;
                first = false;
            }
            text.Append(rune.ToString());
            octets += size;
        }
        text.Append("\r\n");
    }
}

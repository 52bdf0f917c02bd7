namespace CounterQueue.Domain.Tickets;

/// <summary>Ticket numbers: PREFIX-NNN, unique per service and business day, never reused that day.</summary>
public static class TicketNumbering
{
    /// <summary>Formats the n-th number of the day: 7 → "A-007"; past 999 the number simply grows ("A-1000").</summary>
    public static string Format(string prefix, int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        return $"{prefix}-{sequence:000}";
    }
}

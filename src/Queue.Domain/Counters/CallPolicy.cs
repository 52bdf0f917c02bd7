using CounterQueue.Domain.Tickets;

namespace CounterQueue.Domain.Counters;

/// <summary>A ticket a counter could call next: the head of one class in one service's line.</summary>
public sealed record CallCandidate(string ServiceId, string TicketId, Priority Priority, DateTimeOffset EffectiveAt, long Arrival);

public sealed record CallChoice(CallCandidate Candidate, int PriorityStreak);

/// <summary>How priority is weighed against arrival order. Offices set this; it is the first thing they argue about.</summary>
public sealed record FairnessOptions
{
    /// <summary>
    /// At most this many assisted tickets in a row at one counter while normal tickets wait;
    /// the next call then takes the oldest normal ticket. 0 turns priority off (pure arrival order).
    /// </summary>
    public int MaxConsecutiveAssisted { get; init; } = 3;
}

/// <summary>
/// Chooses the next ticket for a counter: earliest effective time first across the counter's
/// services, assisted tickets ahead of normal ones, but never more than
/// <see cref="FairnessOptions.MaxConsecutiveAssisted"/> assisted calls in a row while a normal
/// ticket waits, so no ticket starves.
/// </summary>
public static class CallPolicy
{
    public static CallChoice? Choose(IEnumerable<CallCandidate> candidates, int priorityStreak, FairnessOptions options)
    {
        CallCandidate? assisted = null, normal = null;
        foreach (var c in candidates)
        {
            if (c.Priority == Priority.Assisted) assisted = Earlier(assisted, c);
            else normal = Earlier(normal, c);
        }
        if (assisted is null && normal is null) return null;
        if (assisted is null) return new(normal!, 0);
        if (normal is null) return new(assisted, 0);

        var fifo = Earlier(assisted, normal);
        if (options.MaxConsecutiveAssisted <= 0) return new(fifo, 0);
        if (fifo == assisted) return new(assisted, 0); // the assisted ticket is older anyway: no one is overtaken
        return priorityStreak >= options.MaxConsecutiveAssisted
            ? new(normal, 0)
            : new(assisted, priorityStreak + 1);
    }

    private static CallCandidate Earlier(CallCandidate? a, CallCandidate b)
    {
        if (a is null) return b;
        var byTime = a.EffectiveAt.CompareTo(b.EffectiveAt);
        if (byTime != 0) return byTime < 0 ? a : b;
        var byService = string.CompareOrdinal(a.ServiceId, b.ServiceId);
        if (byService != 0) return byService < 0 ? a : b;
        return a.Arrival <= b.Arrival ? a : b;
    }
}

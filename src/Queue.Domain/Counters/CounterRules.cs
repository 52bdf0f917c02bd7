using CounterQueue.Domain.Tickets;

namespace CounterQueue.Domain.Counters;

public enum CounterStatus { Closed, Open, Paused }

/// <summary>The ticket a counter has in hand.</summary>
public sealed class TicketInHand
{
    public required string TicketId { get; init; }
    public required string Number { get; init; }
    public required string ServiceId { get; init; }
    /// <summary>The business day of the line that holds the ticket.</summary>
    public required DateOnly Day { get; init; }
    public TicketStatus Status { get; set; } = TicketStatus.Called;
    public DateTimeOffset CalledAt { get; init; }
}

/// <summary>What a counter (窓口) keeps. A counter's day ends at midnight: it opens again each business day.</summary>
public sealed class CounterState
{
    public CounterStatus Status { get; set; }
    /// <summary>The services it serves today (the configured ones unless staff chose others on opening).</summary>
    public List<string> ServiceIds { get; set; } = [];
    /// <summary>The business day the counter was opened on.</summary>
    public DateOnly? Day { get; set; }
    public TicketInHand? Current { get; set; }
    /// <summary>Assisted tickets called in a row while normal tickets waited (see <see cref="CallPolicy"/>).</summary>
    public int PriorityStreak { get; set; }
    /// <summary>The numbers called here today before the current one, newest first (for the lobby display's history).</summary>
    public List<RecentCall> Recent { get; set; } = [];
}

/// <summary>A number a counter called earlier today (public: the number and service, nothing about the visitor).</summary>
public sealed record RecentCall(string Number, string ServiceId, DateTimeOffset CalledAt);

/// <summary>State changes of a counter, checked.</summary>
public static class CounterRules
{
    /// <summary>A counter left open from an earlier day counts as closed today; its ticket in hand is let go.</summary>
    public static bool RollOver(CounterState state, DateOnly today)
    {
        if (state.Day == today || state.Day is null && state.Status == CounterStatus.Closed) return false;
        state.Status = CounterStatus.Closed;
        state.Current = null;
        state.PriorityStreak = 0;
        state.Day = null;
        state.Recent.Clear();
        return true;
    }

    public static void Open(CounterState state, IReadOnlyList<string> serviceIds, DateOnly today)
    {
        if (serviceIds.Count == 0)
            throw QueueRuleException.Invalid(ProblemCodes.NoServices, "A counter must serve at least one service.");
        state.Status = CounterStatus.Open;
        state.ServiceIds = serviceIds.Distinct().ToList();
        state.Day = today;
    }

    public static void Pause(CounterState state)
    {
        if (state.Status == CounterStatus.Closed)
            throw QueueRuleException.Conflict(ProblemCodes.CounterClosed, "The counter is closed; open it first.");
        state.Status = CounterStatus.Paused;
    }

    public static void Close(CounterState state)
    {
        if (state.Current is not null)
            throw QueueRuleException.Conflict(ProblemCodes.TicketInHand,
                $"Finish ticket {state.Current.Number} first (complete, no-show or transfer).");
        state.Status = CounterStatus.Closed;
        state.PriorityStreak = 0;
    }

    public static void EnsureCanCall(CounterState state)
    {
        if (state.Status != CounterStatus.Open)
            throw QueueRuleException.Conflict(ProblemCodes.CounterNotOpen, "The counter is not open.");
        if (state.Current is not null)
            throw QueueRuleException.Conflict(ProblemCodes.TicketInHand,
                $"Finish ticket {state.Current.Number} first (complete, no-show or transfer).");
    }

    /// <summary>How many earlier calls a counter remembers for the displays.</summary>
    public const int RecentCallsKept = 3;

    /// <summary>Takes a newly called ticket in hand; the one it replaces (if any, and if different) goes to the history.</summary>
    public static void Hold(CounterState state, TicketInHand ticket)
    {
        if (state.Current is { } previous && previous.TicketId != ticket.TicketId) Remember(state, previous);
        state.Current = ticket;
    }

    /// <summary>The ticket in hand is finished here (done, no-show, transferred): it becomes history.</summary>
    public static void Release(CounterState state)
    {
        if (state.Current is { } previous) Remember(state, previous);
        state.Current = null;
    }

    private static void Remember(CounterState state, TicketInHand ticket)
    {
        state.Recent.RemoveAll(r => r.Number == ticket.Number && r.ServiceId == ticket.ServiceId);
        state.Recent.Insert(0, new RecentCall(ticket.Number, ticket.ServiceId, ticket.CalledAt));
        if (state.Recent.Count > RecentCallsKept) state.Recent.RemoveRange(RecentCallsKept, state.Recent.Count - RecentCallsKept);
    }

    public static TicketInHand RequireCurrent(CounterState state) => state.Current
        ?? throw QueueRuleException.Conflict(ProblemCodes.NoTicketInHand, "The counter has no ticket in hand.");
}

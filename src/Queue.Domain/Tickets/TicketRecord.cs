namespace CounterQueue.Domain.Tickets;

public enum Priority
{
    Normal,
    /// <summary>お手伝いが必要な方: elderly, disabled or otherwise needing help; called ahead of normal tickets.</summary>
    Assisted,
}

public enum TicketStatus
{
    Waiting,
    Called,
    Serving,
    Done,
    NoShow,
    Cancelled,
    /// <summary>Internal: the ticket left this line (回付/redirect) and waits in another service's line.</summary>
    Moved,
}

/// <summary>One ticket (番号札) as its line keeps it.</summary>
public sealed class TicketRecord
{
    public required string Id { get; init; }
    public required string Number { get; init; }
    /// <summary>The service whose line holds the ticket now.</summary>
    public required string ServiceId { get; set; }
    public required DateTimeOffset IssuedAt { get; init; }
    /// <summary>The call order key: issue time, kept through transfers; a checked-in booking's slot start.</summary>
    public required DateTimeOffset EffectiveAt { get; set; }
    /// <summary>Arrival order inside this line, the tie-breaker for equal effective times.</summary>
    public long Arrival { get; set; }
    public Priority Priority { get; init; }
    public string? Language { get; init; }
    /// <summary>How the visitor joined: null at a kiosk or phone, "booking" by a checked-in booking, "remote" from a branch's booth.</summary>
    public string? Channel { get; init; }
    public TicketStatus Status { get; set; }
    /// <summary>Index into the service's steps.</summary>
    public int Step { get; set; }
    public string? CounterId { get; set; }
    /// <summary>When the ticket last started waiting (issue, transfer, or a new step).</summary>
    public DateTimeOffset WaitingSince { get; set; }
    public DateTimeOffset? CalledAt { get => _later?.CalledAt; set { if (value is not null || _later is not null) Later.CalledAt = value; } }
    public DateTimeOffset? StartedAt { get => _later?.StartedAt; set { if (value is not null || _later is not null) Later.StartedAt = value; } }
    public DateTimeOffset? FinishedAt { get => _later?.FinishedAt; set { if (value is not null || _later is not null) Later.FinishedAt = value; } }
    public DateTimeOffset? ReadyAt { get => _later?.ReadyAt; set { if (value is not null || _later is not null) Later.ReadyAt = value; } }
    public int Recalls { get; set; }
    /// <summary>When a ready ticket nobody collected was shown on the display again (once).</summary>
    public DateTimeOffset? PickupRecalledAt { get => _later?.PickupRecalledAt; set { if (value is not null || _later is not null) Later.PickupRecalledAt = value; } }
    /// <summary>When a ready ticket was marked uncollected (未交付): off the board and not called, until staff make it ready again.</summary>
    public DateTimeOffset? UncollectedAt { get => _later?.UncollectedAt; set { if (value is not null || _later is not null) Later.UncollectedAt = value; } }
    /// <summary>Set on a <see cref="TicketStatus.Moved"/> tombstone: the line it went to.</summary>
    public string? MovedToServiceId { get; set; }
    /// <summary>The service the ticket was first issued for, when it has moved since.</summary>
    public string? OriginServiceId { get; set; }

    public bool IsFinished => Status is TicketStatus.Done or TicketStatus.NoShow or TicketStatus.Cancelled;

    public TicketRecord Clone()
    {
        var copy = (TicketRecord)MemberwiseClone();
        copy._later = _later?.Copy(); // its own, not shared with this one
        copy.IndexedBy = null; // a copy is in no line's call order until its line puts it there
        return copy;
    }

    // Where the line that holds this waiting ticket put it in its call order (TicketLine's bookkeeping, never stored): the
    // set and key as they were when indexed, so that a later change of the ticket cannot lose it. Held here rather than in a
    // dictionary beside the line, which cost about 90 bytes for each waiting ticket where these fields cost 32 (issue #9).
    internal object? IndexedBy;
    internal int IndexedStep;
    internal Priority IndexedPriority;
    internal long IndexedEffectiveTicks;
    internal long IndexedArrival;

    /// <summary>
    /// The times of a ticket's later life, apart from it: until it is called a ticket has none, and six empty nullable times
    /// held in the ticket itself cost 144 bytes for each of the day's waiting tickets, a fifth of what a line keeps per
    /// ticket (issue #9: memory the heap has to grow into, where a virtual machine's new pages are slow to come by).
    /// </summary>
    private LaterTimes? _later;
    private LaterTimes Later => _later ??= new LaterTimes();

    private sealed class LaterTimes
    {
        public DateTimeOffset? CalledAt, StartedAt, FinishedAt, ReadyAt, PickupRecalledAt, UncollectedAt;
        public LaterTimes Copy() => (LaterTimes)MemberwiseClone();
    }
}

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
    public DateTimeOffset? CalledAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset? ReadyAt { get; set; }
    public int Recalls { get; set; }
    /// <summary>When a ready ticket nobody collected was shown on the display again (once).</summary>
    public DateTimeOffset? PickupRecalledAt { get; set; }
    /// <summary>When a ready ticket was marked uncollected (未交付): off the board and not called, until staff make it ready again.</summary>
    public DateTimeOffset? UncollectedAt { get; set; }
    /// <summary>Set on a <see cref="TicketStatus.Moved"/> tombstone: the line it went to.</summary>
    public string? MovedToServiceId { get; set; }
    /// <summary>The service the ticket was first issued for, when it has moved since.</summary>
    public string? OriginServiceId { get; set; }

    public bool IsFinished => Status is TicketStatus.Done or TicketStatus.NoShow or TicketStatus.Cancelled;

    public TicketRecord Clone() => (TicketRecord)MemberwiseClone();
}

namespace CounterQueue.Domain.Bookings;

/// <summary>
/// One booking's hold on one unit of a shared resource for a time (a branch's consultation room, or one of a ward
/// section's staff who travel to the branch). <see cref="Confirmed"/> once the booking is stored; an unconfirmed hold
/// lapses after <see cref="ResourcePool.Lease"/> so a booking that was never stored cannot keep a room forever.
/// </summary>
public sealed record ResourceHold
{
    public required string BookingId { get; init; }
    /// <summary>The unit held: a room's id, or a staff place ("1", "2", …) of a section.</summary>
    public required string Unit { get; init; }
    public required DateTimeOffset Start { get; init; }
    public required DateTimeOffset End { get; init; }
    public required DateTimeOffset HeldAt { get; init; }
    public bool Confirmed { get; init; }
    /// <summary>Where the consultation takes place (the branch), for the section's list of appointments.</summary>
    public required string OfficeId { get; init; }
    public required string ServiceId { get; init; }
    /// <summary>The confirmation code, so section staff can find the booking with the visitor; no personal data.</summary>
    public string? Code { get; init; }
    /// <summary>The room held at the branch (on a section's hold) or the ward section (on a room's hold).</summary>
    public string? Partner { get; init; }

    public bool Overlaps(DateTimeOffset start, DateTimeOffset end) => Start < end && start < End;
}

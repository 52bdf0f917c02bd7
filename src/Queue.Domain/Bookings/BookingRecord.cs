namespace CounterQueue.Domain.Bookings;

/// <summary>One booking of a slot.</summary>
public sealed record BookingRecord
{
    public required string Id { get; init; }
    /// <summary>The confirmation code (<see cref="ConfirmationCode"/>).</summary>
    public required string Code { get; init; }
    public required DateTimeOffset Start { get; init; }
    public required DateTimeOffset End { get; init; }
    public BookingStatus Status { get; init; } = BookingStatus.Booked;
    public string? Language { get; init; }
    [PersonalData]
    public BookingContact? Contact { get; init; }
    public required DateTimeOffset BookedAt { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }
    public DateTimeOffset? CheckedInAt { get; init; }
    /// <summary>The ticket check-in gave (fixed before the ticket is issued, so a retry gives the same one).</summary>
    public string? TicketId { get; init; }
    /// <summary>When that ticket counts from in the line: the slot start, or the check-in time for a walk-in.</summary>
    public DateTimeOffset? ServedFrom { get; init; }
    /// <summary>A branch consultation's room and the ward section whose staff come (null for other services).</summary>
    public ConsultationHolds? Consultation { get; init; }

    public Slot Slot => new(Start, End);

    /// <summary>The status at <paramref name="now"/>: a booking nobody checked in by its slot's end plus the grace is a no-show.</summary>
    public BookingStatus StatusAt(DateTimeOffset now) =>
        Status == BookingStatus.Booked && CheckInRules.IsNoShow(Slot, now) ? BookingStatus.NoShow : Status;
}

/// <summary>
/// What a branch consultation holds besides its place (相談室と担当課): <paramref name="RoomId"/> at the branch, and
/// staff place <paramref name="StaffPlace"/> of section <paramref name="SectionId"/> of ward office <paramref name="WardOfficeId"/>.
/// </summary>
public sealed record ConsultationHolds(string RoomId, string WardOfficeId, string SectionId, string StaffPlace);

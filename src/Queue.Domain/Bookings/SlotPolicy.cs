namespace CounterQueue.Domain.Bookings;

/// <summary>
/// How a service of an office can be booked (予約): slots of <see cref="SlotMinutes"/> through the office's hours, each
/// for <see cref="Capacity"/> visitors, bookable from <see cref="HorizonDays"/> days ahead until
/// <see cref="CutoffMinutes"/> before the slot starts, except on <see cref="BlockedDates"/>.
/// </summary>
public sealed record SlotPolicy
{
    public const int MaxSlotMinutes = 240;
    public const int MaxCapacity = 100;
    public const int MaxHorizonDays = 180;

    public int SlotMinutes { get; init; } = 30;
    /// <summary>Visitors per slot (one per counter that serves bookings, or more for a group consultation).</summary>
    public int Capacity { get; init; } = 2;
    /// <summary>How many days ahead a slot can be booked (today counts as day 0).</summary>
    public int HorizonDays { get; init; } = 30;
    /// <summary>How long before its start a slot stops taking bookings.</summary>
    public int CutoffMinutes { get; init; } = 60;
    /// <summary>Days the office is open but takes no bookings for this service (e.g. a busy season's first days).</summary>
    public IReadOnlyList<DateOnly> BlockedDates { get; init; } = [];
    /// <summary>
    /// Set for a branch's face-to-face consultation (予約制の対面相談): each booking also holds one of the office's
    /// rooms and a place of the chosen ward section's staff, so a slot is offered only while both are free.
    /// </summary>
    public ConsultationPolicy? Consultation { get; init; }

    /// <summary>Each broken rule as a sentence; empty when the policy is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (SlotMinutes is < 5 or > MaxSlotMinutes || SlotMinutes % 5 != 0)
            problems.Add($"slotMinutes must be a multiple of 5 from 5 to {MaxSlotMinutes}.");
        if (Capacity is < 1 or > MaxCapacity) problems.Add($"capacity must be 1-{MaxCapacity}.");
        if (HorizonDays is < 0 or > MaxHorizonDays) problems.Add($"horizonDays must be 0-{MaxHorizonDays}.");
        if (CutoffMinutes is < 0 or > 7 * 24 * 60) problems.Add("cutoffMinutes must be 0 to a week's minutes (10080).");
        if (BlockedDates.Count > 400) problems.Add("blockedDates can list at most 400 days.");
        if (Consultation is { } c)
        {
            if (string.IsNullOrWhiteSpace(c.WardOfficeId)) problems.Add("consultation.wardOfficeId is required.");
            if (c.SectionIds is null || c.SectionIds.Count is 0 or > 30) problems.Add("consultation.sectionIds must list 1-30 sections of the ward office.");
            else if (c.SectionIds.Distinct().Count() != c.SectionIds.Count) problems.Add("consultation.sectionIds must not repeat a section.");
        }
        return problems;
    }
}

/// <summary>Which ward office sends staff to a branch's consultations, and from which of its sections (the topics).</summary>
public sealed record ConsultationPolicy
{
    public required string WardOfficeId { get; init; }
    public required IReadOnlyList<string> SectionIds { get; init; }
}

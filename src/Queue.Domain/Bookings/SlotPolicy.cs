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
        return problems;
    }
}

using CounterQueue.Domain.Calendar;

namespace CounterQueue.Domain.Forwarding;

/// <summary>
/// A kind of application paper a branch may accept and forward to a section of the ward office (書類回送の対象書類).
/// Not forwardable: those from businesses, rare ones (fewer than about 50 a year), urgent ones, those whose date of
/// receipt matters and those past their deadline (seed 003 §2-4) — <see cref="Note"/> says why.
/// </summary>
public sealed record DocumentType
{
    public required string Id { get; init; }
    public required LocalizedText Name { get; init; }
    /// <summary>The ward office's section that receives it.</summary>
    public required string SectionId { get; init; }
    public bool Forwardable { get; init; } = true;
    public LocalizedText? Note { get; init; }
}

public enum ForwardingStatus { Accepted, Dispatched, Received, Completed }

/// <summary>
/// One forwarded paper (回送管理簿の一行): its serial number per type and fiscal year (通し番号), and who did each step when.
/// It holds no more personal data than the paper receipt: the resident's name only if recorded, deleted after completion.
/// </summary>
public sealed record ForwardingItem
{
    public required string Id { get; init; }
    public required int Serial { get; init; }
    public required int FiscalYear { get; init; }
    public required string DocumentTypeId { get; init; }
    public required string SectionId { get; init; }
    public required string BranchId { get; init; }
    public required string WardOfficeId { get; init; }
    public ForwardingStatus Status { get; init; } = ForwardingStatus.Accepted;
    public required DateTimeOffset AcceptedAt { get; init; }
    public required string AcceptedBy { get; init; }
    public DateTimeOffset? DispatchedAt { get; init; }
    public string? DispatchedBy { get; init; }
    public DateTimeOffset? ReceivedAt { get; init; }
    public string? ReceivedBy { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public string? CompletedBy { get; init; }
    /// <summary>Optional, as on the paper; deleted once the item is complete plus the retention days.</summary>
    [PersonalData]
    public string? ResidentName { get; init; }
}

/// <summary>The forwarding rules (書類回送): fiscal years, the order of the steps, and when an item is overdue.</summary>
public static class ForwardingRules
{
    /// <summary>Japan's fiscal year (年度): April to March; 2026-03-31 is in FY2025.</summary>
    public static int FiscalYearOf(DateTimeOffset at)
    {
        var local = Tokyo.ToLocal(at);
        return local.Month >= 4 ? local.Year : local.Year - 1;
    }

    /// <summary>The id of an item: branch, type, fiscal year and serial (unique, and the same after a retry).</summary>
    public static string ItemId(string branchId, string typeId, int fiscalYear, int serial) => $"{branchId}.{typeId}.{fiscalYear}.{serial:0000}";

    /// <summary>The serial as printed on the receipt: 「国保高額 2026-0007」 style, type and fiscal year first.</summary>
    public static string SerialText(ForwardingItem item) => $"{item.FiscalYear}-{item.Serial:0000}";

    public static ForwardingItem Dispatch(ForwardingItem item, DateTimeOffset now, string by) => Require(item, ForwardingStatus.Accepted, ForwardingStatus.Dispatched) ??
        item with { Status = ForwardingStatus.Dispatched, DispatchedAt = now, DispatchedBy = by };

    public static ForwardingItem Receive(ForwardingItem item, DateTimeOffset now, string by) => Require(item, ForwardingStatus.Dispatched, ForwardingStatus.Received) ??
        item with { Status = ForwardingStatus.Received, ReceivedAt = now, ReceivedBy = by };

    public static ForwardingItem Complete(ForwardingItem item, DateTimeOffset now, string by) => Require(item, ForwardingStatus.Received, ForwardingStatus.Completed) ??
        item with { Status = ForwardingStatus.Completed, CompletedAt = now, CompletedBy = by };

    /// <summary>The item itself when the step is repeated (harmless), null when it may be taken, a 409 when out of order.</summary>
    private static ForwardingItem? Require(ForwardingItem item, ForwardingStatus from, ForwardingStatus to)
    {
        if (item.Status == to) return item;
        if (item.Status != from)
            throw QueueRuleException.Conflict(ProblemCodes.ForwardingOutOfOrder,
                $"Item {item.Id} is {item.Status.ToString().ToLowerInvariant()}; it must be {from.ToString().ToLowerInvariant()} to become {to.ToString().ToLowerInvariant()}.");
        return null;
    }

    /// <summary>
    /// Overdue: not received by the section within <paramref name="businessDays"/> of the ward office's open days after
    /// it was accepted (the day of acceptance does not count).
    /// </summary>
    public static bool IsOverdue(ForwardingItem item, DateTimeOffset now, OfficeSchedule wardHours, int businessDays)
    {
        if (item.Status is ForwardingStatus.Received or ForwardingStatus.Completed) return false;
        return now > DueBy(item, wardHours, businessDays);
    }

    /// <summary>The end of the last business day by which the section should have it.</summary>
    public static DateTimeOffset DueBy(ForwardingItem item, OfficeSchedule wardHours, int businessDays)
    {
        var day = Tokyo.DateOf(item.AcceptedAt);
        for (var counted = 0; counted < businessDays;)
        {
            day = day.AddDays(1);
            if (wardHours.HoursOn(day) is not null) counted++;
        }
        return Tokyo.At(day.AddDays(1), TimeSpan.Zero);
    }
}

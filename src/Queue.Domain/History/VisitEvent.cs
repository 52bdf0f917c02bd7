namespace CounterQueue.Domain.History;

/// <summary>
/// One thing that happened to a visit, a booking or a counter (来庁記録), as the history keeps it: times, office,
/// service, counter and staff member, and never anything personal (no names, no contact data, no language).
/// <see cref="VisitId"/> is the ticket's (or booking's) id, which only staff read back from the history.
/// </summary>
/// <param name="Day">The business day the event belongs to: a ticket's line day, a booking's slot day.</param>
public sealed record VisitEvent(
    string Kind,
    DateTimeOffset At,
    string OfficeId,
    DateOnly Day,
    string? ServiceId = null,
    string? VisitId = null,
    string? Number = null,
    string? CounterId = null,
    string? Staff = null,
    string? Step = null,
    string? ToServiceId = null,
    string? Channel = null,
    bool Assisted = false);

/// <summary>The kinds of <see cref="VisitEvent"/>, as stored (stable strings: reports and exports read them).</summary>
public static class VisitEventKinds
{
    public const string Issued = "issued";
    public const string Called = "called";
    public const string Recalled = "recalled";
    public const string Started = "started";
    /// <summary>A counter step finished and the visit went on to its next step.</summary>
    public const string StepCompleted = "stepCompleted";
    /// <summary>The visit finished at a counter (its last step).</summary>
    public const string Completed = "completed";
    /// <summary>受付 finished; staff now process the papers (審査) while the visitor waits.</summary>
    public const string SentToProcessing = "sentToProcessing";
    /// <summary>Processing done: the visitor may collect (交付待ち).</summary>
    public const string Ready = "ready";
    /// <summary>A ready ticket not collected for a while was shown on the display again.</summary>
    public const string PickupRecalled = "pickupRecalled";
    /// <summary>A ready ticket was still not collected: taken off the board and shown to staff (未交付).</summary>
    public const string Uncollected = "uncollected";
    /// <summary>Collected at the pick-up counter (交付済).</summary>
    public const string PickedUp = "pickedUp";
    public const string NoShow = "noShow";
    /// <summary>回付: a counter sent the visitor to another service, keeping their place.</summary>
    public const string Transferred = "transferred";
    /// <summary>A floor guide moved a waiting ticket taken for the wrong place.</summary>
    public const string Redirected = "redirected";
    public const string Cancelled = "cancelled";
    public const string Booked = "booked";
    public const string BookingCancelled = "bookingCancelled";
    public const string CheckedIn = "checkedIn";
    public const string CounterOpened = "counterOpened";
    public const string CounterPaused = "counterPaused";
    public const string CounterClosed = "counterClosed";

    /// <summary>Events that end a visit: after one of these, nothing more happens to the ticket that day.</summary>
    public static bool EndsVisit(string kind) => kind is Completed or PickedUp or NoShow or Cancelled;
}

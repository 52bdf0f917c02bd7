namespace CounterQueue.Domain.History;

/// <summary>One step of a visit's journey: what happened, when, where and by whom, and how long since the step before.</summary>
public sealed record JourneyStep(string Kind, DateTimeOffset At, string? ServiceId, string? CounterId, string? Staff, string? Step,
    string? ToServiceId, double MinutesSincePrevious);

/// <summary>A ticket's journey (staff): every event of the visit in order, and its end-to-end time from issue to its end.</summary>
public sealed record VisitJourney(string VisitId, string? Number, string OfficeId, DateOnly Day, DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt, string? Outcome, double? EndToEndMinutes, double? WaitedMinutes, IReadOnlyList<JourneyStep> Steps)
{
    /// <summary>The journey told by a visit's events (oldest first); null when there are none.</summary>
    public static VisitJourney? From(IReadOnlyList<VisitEvent> events)
    {
        if (events.Count == 0) return null;
        var ordered = events.OrderBy(e => e.At).ToList();
        var first = ordered[0];
        var end = ordered.LastOrDefault(e => VisitEventKinds.EndsVisit(e.Kind));
        var steps = new List<JourneyStep>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var e = ordered[i];
            steps.Add(new JourneyStep(e.Kind, e.At, e.ServiceId, e.CounterId, e.Staff, e.Step, e.ToServiceId,
                i == 0 ? 0 : Math.Round((e.At - ordered[i - 1].At).TotalMinutes, 1)));
        }
        return new VisitJourney(first.VisitId ?? "", ordered.Select(e => e.Number).LastOrDefault(n => n is not null), first.OfficeId, first.Day,
            first.At, end?.At, end?.Kind, end is null ? null : Math.Round((end.At - first.At).TotalMinutes, 1),
            Math.Round(VisitFacts.Waits(ordered).Sum(w => w.Minutes), 1), steps);
    }
}

/// <summary>What a visit's events say about its waits and service times (shared by journeys and reports).</summary>
public static class VisitFacts
{
    /// <summary>A wait in line: from when the visitor started waiting for a counter to when one called them.</summary>
    public sealed record Wait(VisitEvent Called, double Minutes);

    /// <summary>A time at a counter: from the call (or the visitor's arrival at the counter) to the step's end.</summary>
    public sealed record Service(VisitEvent Start, VisitEvent End, double Minutes);

    /// <summary>Kinds after which a visitor waits for a counter again.</summary>
    private static bool StartsWaiting(string kind) => kind is VisitEventKinds.Issued or VisitEventKinds.StepCompleted
        or VisitEventKinds.Ready or VisitEventKinds.Transferred or VisitEventKinds.CheckedIn;

    private static bool EndsService(string kind) => kind is VisitEventKinds.Completed or VisitEventKinds.PickedUp or VisitEventKinds.StepCompleted
        or VisitEventKinds.SentToProcessing or VisitEventKinds.Transferred;

    /// <summary>Each wait of one visit (its events oldest first). A guide's redirect keeps the wait running (the visitor keeps their place).</summary>
    public static IEnumerable<Wait> Waits(IReadOnlyList<VisitEvent> visit)
    {
        DateTimeOffset? since = null;
        foreach (var e in visit)
        {
            if (e.Kind == VisitEventKinds.Called && since is { } s)
            {
                yield return new Wait(e, Math.Max(0, (e.At - s).TotalMinutes));
                since = null;
            }
            else if (StartsWaiting(e.Kind) && !(e.Kind == VisitEventKinds.Issued && since is not null)) since = e.At;
        }
    }

    /// <summary>Each time at a counter of one visit.</summary>
    public static IEnumerable<Service> Services(IReadOnlyList<VisitEvent> visit)
    {
        VisitEvent? start = null;
        foreach (var e in visit)
        {
            if (e.Kind == VisitEventKinds.Called) start = e;
            else if (e.Kind == VisitEventKinds.Started && start is not null) start = e;
            else if (EndsService(e.Kind) && start is not null)
            {
                yield return new Service(start, e, Math.Max(0, (e.At - start.At).TotalMinutes));
                start = null;
            }
            else if (e.Kind is VisitEventKinds.NoShow or VisitEventKinds.Cancelled) start = null;
        }
    }
}

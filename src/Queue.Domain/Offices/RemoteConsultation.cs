using CounterQueue.Domain.Calendar;

namespace CounterQueue.Domain.Offices;

/// <summary>
/// A branch's remote consultation booth (オンライン相談): residents pick a topic and the responsible section of the ward
/// office answers by video. Only in <see cref="Hours"/> (set in advance, for fairness with those at the ward's counters),
/// and not while the ward keeps <see cref="BusyWhenWaiting"/> or more people waiting in that section's lines (混雑期対応).
/// </summary>
public sealed record RemoteConsultationPolicy
{
    public required string WardOfficeId { get; init; }
    public required OfficeSchedule Hours { get; init; }
    /// <summary>The ward is busy for a section while at least this many wait in its lines.</summary>
    public int BusyWhenWaiting { get; init; } = 5;
    /// <summary>
    /// The office's video system: a link the booth opens when the section calls, with {ticketId}, {number} and
    /// {sectionId} filled in (the call itself is that system's job). Null: the booth only says it is being connected.
    /// </summary>
    public string? VideoUrl { get; init; }
    public required IReadOnlyList<RemoteTopic> Topics { get; init; }

    public RemoteTopic? FindTopic(string topicId) => Topics.FirstOrDefault(t => t.Id == topicId);
}

/// <summary>A consultation topic (e.g. 介護保険の相談): the ward section that answers it and the service whose line its requests join.</summary>
public sealed record RemoteTopic
{
    public required string Id { get; init; }
    public required string SectionId { get; init; }
    public required string ServiceId { get; init; }
    public required LocalizedText Name { get; init; }
}

public enum RemoteUnavailableReason { OutsideHours, WardBusy, Closed }

/// <summary>Whether the booth can place a request now, and if not why and from when.</summary>
public sealed record RemoteAvailability(bool Available, RemoteUnavailableReason? Reason, DateTimeOffset? NextAvailableAt, IReadOnlySet<string> BusySections);

/// <summary>The remote consultation rules, alone: hours, the busy ward, the next time it can answer.</summary>
public static class RemoteConsultationRules
{
    /// <summary>
    /// Availability at <paramref name="now"/> given how many wait in each ward section's lines. Closed: no hours today at
    /// all (holiday, weekend); outside hours: before or after today's; ward busy: every topic's section is busy (a topic
    /// whose section is busy is refused on its own).
    /// </summary>
    public static RemoteAvailability Availability(RemoteConsultationPolicy policy, DateTimeOffset now, IReadOnlyDictionary<string, int> waitingBySection)
    {
        var busy = policy.Topics.Select(t => t.SectionId).Distinct()
            .Where(s => waitingBySection.GetValueOrDefault(s) >= policy.BusyWhenWaiting).ToHashSet();
        if (!policy.Hours.IsOpen(now))
        {
            var closedToday = policy.Hours.HoursOn(Tokyo.DateOf(now)) is null;
            return new RemoteAvailability(false, closedToday ? RemoteUnavailableReason.Closed : RemoteUnavailableReason.OutsideHours, policy.Hours.NextOpening(now), busy);
        }
        if (policy.Topics.Count > 0 && policy.Topics.All(t => busy.Contains(t.SectionId)))
            return new RemoteAvailability(false, RemoteUnavailableReason.WardBusy, null, busy);
        return new RemoteAvailability(true, null, null, busy);
    }

    /// <summary>Each broken rule as a sentence; empty when usable.</summary>
    public static IReadOnlyList<string> Problems(RemoteConsultationPolicy policy)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(policy.WardOfficeId)) problems.Add("remoteConsultation.wardOfficeId is required.");
        if (policy.Hours is null) problems.Add("remoteConsultation.hours is required.");
        if (policy.BusyWhenWaiting is < 1 or > 500) problems.Add("remoteConsultation.busyWhenWaiting must be 1-500.");
        if (policy.VideoUrl is { } url && (!Uri.TryCreate(url.Replace("{ticketId}", "x").Replace("{number}", "x").Replace("{sectionId}", "x"), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
            problems.Add("remoteConsultation.videoUrl must be an http(s) address.");
        if (policy.Topics is null || policy.Topics.Count is 0 or > 50) problems.Add("remoteConsultation.topics must list 1-50 topics.");
        else
        {
            if (policy.Topics.Select(t => t.Id).Distinct().Count() != policy.Topics.Count) problems.Add("remoteConsultation.topics ids must be unique.");
            if (policy.Topics.Any(t => !OfficeDefinitionValidator.IsValidId(t.Id) || string.IsNullOrWhiteSpace(t.Name?.Ja)))
                problems.Add("remoteConsultation.topics need an id (lowercase letters, digits, '-') and a Japanese name.");
        }
        return problems;
    }
}

using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;

namespace CounterQueue.Web.Branches;

/// <summary>A topic as the booth shows it, and whether its section can answer now.</summary>
public sealed record RemoteTopicView(string TopicId, string SectionId, LocalizedText? SectionName, LocalizedText Name, bool Available);

/// <summary>api.md's remote consultation state of a branch: available or why not, the hours, when next, the topics.</summary>
public sealed record RemoteConsultationView(string OfficeId, bool Available, string? Reason, OfficeSchedule Hours, DateTimeOffset? NextAvailableAt,
    IReadOnlyList<RemoteTopicView> Topics, string WardOfficeId, LocalizedText WardOfficeName);

/// <summary>Reads the ward's lines and applies <see cref="RemoteConsultationRules"/> for a branch.</summary>
public sealed class RemoteConsultationService(OfficeCatalog catalog, TicketService tickets, TimeProvider time)
{
    public static string ReasonName(RemoteUnavailableReason? reason) => reason switch
    {
        RemoteUnavailableReason.OutsideHours => "outsideHours",
        RemoteUnavailableReason.WardBusy => "wardBusy",
        RemoteUnavailableReason.Closed => "closed",
        _ => null!,
    };

    /// <summary>The branch's policy and ward office, or a 404 for an office without a booth.</summary>
    public async Task<(OfficeDefinition Branch, RemoteConsultationPolicy Policy, OfficeDefinition Ward)> RequireAsync(string officeId)
    {
        var branch = await catalog.RequireAsync(officeId);
        if (branch.RemoteConsultation is not { } policy)
            throw QueueRuleException.NotFound(ProblemCodes.NotFound, $"Office '{branch.Id}' has no remote consultation booth.");
        var ward = await catalog.RequireAsync(policy.WardOfficeId);
        return (branch, policy, ward);
    }

    /// <summary>The availability now: one summary call per ward line of the topics' services, in parallel.</summary>
    public async Task<(RemoteAvailability Availability, RemoteConsultationView View)> GetAsync(OfficeDefinition branch, RemoteConsultationPolicy policy, OfficeDefinition ward)
    {
        var sections = policy.Topics.Select(t => t.SectionId).ToHashSet();
        var services = ward.Services.Where(s => sections.Contains(s.SectionId)).ToList();
        var summaries = await tickets.SummariesAsync(ward with { Services = services });
        var waiting = services.GroupBy(s => s.SectionId).ToDictionary(g => g.Key, g => g.Sum(s => summaries[s.Id].Waiting));
        var availability = RemoteConsultationRules.Availability(policy, time.GetUtcNow(), waiting);
        var view = new RemoteConsultationView(branch.Id, availability.Available, availability.Available ? null : ReasonName(availability.Reason), policy.Hours,
            availability.NextAvailableAt,
            policy.Topics.Select(t => new RemoteTopicView(t.Id, t.SectionId, ward.FindSection(t.SectionId)?.Name, t.Name,
                availability.Available && !availability.BusySections.Contains(t.SectionId))).ToList(),
            ward.Id, ward.Name);
        return (availability, view);
    }
}

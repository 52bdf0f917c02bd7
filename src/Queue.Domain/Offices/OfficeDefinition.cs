using System.Text.RegularExpressions;
using CounterQueue.Domain.Calendar;

namespace CounterQueue.Domain.Offices;

public enum OfficeKind { Ward, Branch }

/// <summary>How a step of a service is carried out.</summary>
public enum StepKind
{
    /// <summary>The visitor waits to be called to a counter (受付, 交付).</summary>
    Counter,
    /// <summary>Staff work on the papers while the visitor waits; ends with "ready" (審査).</summary>
    Processing,
}

public sealed record StepDefinition(string Id, StepKind Kind, LocalizedText? Name = null);

/// <summary>
/// A section (課) and where it normally sits. <paramref name="OutreachStaff"/>: how many of its staff can be at a
/// branch's consultation room at the same time (出張相談), for consultations booked at the branches.
/// </summary>
public sealed record SectionDefinition(string Id, LocalizedText Name, string Floor, LocalizedText? Area = null, int OutreachStaff = 1);

/// <summary>
/// A private consultation room (相談室) at a branch, booked with a consultation: it seats <see cref="Seats"/> people
/// (the visitor, companions and several professionals at once), and <see cref="PrivacyNote"/> tells visitors how
/// their privacy is kept (e.g. a closed, soundproofed room).
/// </summary>
public sealed record RoomDefinition
{
    public required string Id { get; init; }
    public required LocalizedText Name { get; init; }
    public int Seats { get; init; } = 4;
    public LocalizedText? PrivacyNote { get; init; }
}

/// <summary>A procedure visitors take a ticket for.</summary>
public sealed record ServiceDefinition
{
    public required string Id { get; init; }
    public required string SectionId { get; init; }
    public required LocalizedText Name { get; init; }
    /// <summary>Letters before the number on the ticket ("A" in "A-007"); unique in the office.</summary>
    public required string TicketPrefix { get; init; }
    /// <summary>Steps in order; a single-step service has one counter step called "service".</summary>
    public IReadOnlyList<StepDefinition> Steps { get; init; } = [new("service", StepKind.Counter)];
    /// <summary>Used for wait estimates until there are measured service times.</summary>
    public double DefaultServiceMinutes { get; init; } = 8;
    public bool Bookable { get; init; }
    /// <summary>How a bookable service's slots run (予約枠); the defaults when null.</summary>
    public Bookings.SlotPolicy? Booking { get; init; }
    /// <summary>Temporary (臨時) services take tickets only while one of their sessions is open.</summary>
    public bool Temporary { get; init; }
    /// <summary>
    /// Words visitors use for this service besides its names (kana readings, romaji, everyday words: 引っ越し, ハンコ),
    /// for the floor guide's search (<see cref="GuideSearch"/>). An office extends them in its definition.
    /// </summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];
}

public sealed record CounterDefinition
{
    public required string Id { get; init; }
    public required LocalizedText Label { get; init; }
    public required string Floor { get; init; }
    public required IReadOnlyList<string> ServiceIds { get; init; }
    /// <summary>Counter steps this counter handles (e.g. only "pickup"); null means every counter step.</summary>
    public IReadOnlyList<string>? Steps { get; init; }
    public bool Temporary { get; init; }
}

/// <summary>An office (庁舎) with its sections, services, counters and hours.</summary>
public sealed record OfficeDefinition
{
    public required string Id { get; init; }
    public required OfficeKind Kind { get; init; }
    public required LocalizedText Name { get; init; }
    public LocalizedText? Address { get; init; }
    public required OfficeSchedule Hours { get; init; }
    public IReadOnlyList<SectionDefinition> Sections { get; init; } = [];
    public IReadOnlyList<ServiceDefinition> Services { get; init; } = [];
    public IReadOnlyList<CounterDefinition> Counters { get; init; } = [];
    /// <summary>The sections' moves (移転), past and planned; see <see cref="RelocationRules"/>.</summary>
    public IReadOnlyList<Relocation> Relocations { get; init; } = [];
    /// <summary>A branch's remote consultation booth (オンライン相談) with the ward office, if it has one.</summary>
    public RemoteConsultationPolicy? RemoteConsultation { get; init; }
    /// <summary>Consultation rooms (相談室) held by consultation bookings (a branch's).</summary>
    public IReadOnlyList<RoomDefinition> Rooms { get; init; } = [];
    /// <summary>How assisted tickets are weighed against arrival order at this office.</summary>
    public Counters.FairnessOptions Fairness { get; init; } = new();

    // Loops, not LINQ: these run on every ticket's path, and a lambda capturing the id allocates each time (issue #9).
    public ServiceDefinition? FindService(string serviceId)
    {
        foreach (var service in Services) if (service.Id == serviceId) return service;
        return null;
    }

    public CounterDefinition? FindCounter(string counterId)
    {
        foreach (var counter in Counters) if (counter.Id == counterId) return counter;
        return null;
    }

    public SectionDefinition? FindSection(string sectionId)
    {
        foreach (var section in Sections) if (section.Id == sectionId) return section;
        return null;
    }

    public ServiceDefinition RequireService(string serviceId) => FindService(serviceId)
        ?? throw QueueRuleException.NotFound(ProblemCodes.ServiceNotFound, $"Office '{Id}' has no service '{serviceId}'.");

    public CounterDefinition RequireCounter(string counterId) => FindCounter(counterId)
        ?? throw QueueRuleException.NotFound(ProblemCodes.CounterNotFound, $"Office '{Id}' has no counter '{counterId}'.");

    /// <summary>The floor a service is on at <paramref name="at"/> (its section's, after any move in effect then).</summary>
    public string FloorOf(ServiceDefinition service, DateTimeOffset at) =>
        FindSection(service.SectionId) is { } section ? RelocationRules.PlaceAt(this, section, at).Floor : "";

    /// <summary>The floor a counter is on at <paramref name="at"/> (it moves with its section).</summary>
    public string FloorOf(CounterDefinition counter, DateTimeOffset at) => RelocationRules.CounterFloorAt(this, counter, at);
}

/// <summary>Checks an office definition before it is accepted (from configuration or an administrator).</summary>
public static partial class OfficeDefinitionValidator
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")] private static partial Regex IdPattern();
    [GeneratedRegex("^[A-Z]{1,3}$")] private static partial Regex PrefixPattern();

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Returns the problems found; empty when the definition is usable.</summary>
    public static IReadOnlyList<string> Validate(OfficeDefinition office)
    {
        var errors = new List<string>();
        if (!IsValidId(office.Id)) errors.Add($"Office id '{office.Id}' must be 1-40 lowercase letters, digits or '-'.");
        if (office.Name is null || string.IsNullOrWhiteSpace(office.Name.Ja) || string.IsNullOrWhiteSpace(office.Name.En))
            errors.Add("Office name needs Japanese and English.");
        if (office.Hours is null) errors.Add("Office hours are required.");
        CheckUnique(errors, "section", office.Sections.Select(s => s.Id));
        CheckUnique(errors, "service", office.Services.Select(s => s.Id));
        CheckUnique(errors, "counter", office.Counters.Select(c => c.Id));
        CheckUnique(errors, "room", office.Rooms.Select(r => r.Id));
        if (office.Rooms.Count > 50) errors.Add("An office can have at most 50 consultation rooms.");
        foreach (var room in office.Rooms)
        {
            if (!IsValidId(room.Id)) errors.Add($"Room id '{room.Id}' is not a valid id.");
            if (room.Name is null || string.IsNullOrWhiteSpace(room.Name.Ja)) errors.Add($"Room '{room.Id}' needs a Japanese name.");
            if (room.Seats is < 1 or > 50) errors.Add($"Room '{room.Id}' seats must be 1-50.");
        }
        CheckUnique(errors, "ticket prefix", office.Services.Select(s => s.TicketPrefix));
        foreach (var section in office.Sections)
        {
            if (!IsValidId(section.Id)) errors.Add($"Section id '{section.Id}' is not a valid id.");
            if (section.OutreachStaff is < 0 or > 50) errors.Add($"Section '{section.Id}' outreach staff must be 0-50.");
        }
        foreach (var service in office.Services)
        {
            if (!IsValidId(service.Id)) errors.Add($"Service id '{service.Id}' is not a valid id.");
            if (office.FindSection(service.SectionId) is null) errors.Add($"Service '{service.Id}' names unknown section '{service.SectionId}'.");
            if (service.TicketPrefix is null || !PrefixPattern().IsMatch(service.TicketPrefix))
                errors.Add($"Service '{service.Id}' needs a ticket prefix of 1-3 capital letters.");
            if (service.Steps.Count == 0) errors.Add($"Service '{service.Id}' needs at least one step.");
            else
            {
                if (service.Steps[0].Kind != StepKind.Counter) errors.Add($"Service '{service.Id}' must start with a counter step.");
                CheckUnique(errors, $"step of '{service.Id}'", service.Steps.Select(s => s.Id));
            }
            if (service.DefaultServiceMinutes is <= 0 or > 240) errors.Add($"Service '{service.Id}' default service minutes must be in (0, 240].");
            foreach (var problem in service.Booking?.Problems() ?? []) errors.Add($"Service '{service.Id}' booking: {problem}");
            errors.AddRange(GuideSearch.Problems(service));
            if (service.Booking is not null && !service.Bookable) errors.Add($"Service '{service.Id}' has booking settings but is not bookable.");
            if (service.Booking?.Consultation is not null && office.Rooms.Count == 0)
                errors.Add($"Service '{service.Id}' books consultation rooms, but the office has no rooms.");
        }
        if (office.RemoteConsultation is { } remote) errors.AddRange(RemoteConsultationRules.Problems(remote));
        if (office.Relocations.Count > 500) errors.Add("An office can list at most 500 relocations.");
        CheckUnique(errors, "relocation", office.Relocations.Select(r => r.Id));
        foreach (var move in office.Relocations) errors.AddRange(RelocationRules.Problems(office, move));
        foreach (var counter in office.Counters)
        {
            if (!IsValidId(counter.Id)) errors.Add($"Counter id '{counter.Id}' is not a valid id.");
            foreach (var serviceId in counter.ServiceIds)
            {
                if (office.FindService(serviceId) is null) errors.Add($"Counter '{counter.Id}' names unknown service '{serviceId}'.");
            }
        }
        return errors;
    }

    private static void CheckUnique(List<string> errors, string what, IEnumerable<string> ids)
    {
        foreach (var duplicate in ids.GroupBy(i => i).Where(g => g.Count() > 1))
            errors.Add($"Duplicate {what} '{duplicate.Key}'.");
    }
}

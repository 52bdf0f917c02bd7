using System.Text.Json.Serialization;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;

namespace CounterQueue.Domain.TemporaryCounters;

/// <summary>
/// A procedure with large, concentrated volume for a few days a season, for which branches open
/// temporary counters (臨時窓口): e.g. 重度障害者福祉タクシー利用券, ふれあいフリーパス.
/// </summary>
public sealed record TemporaryProcedure
{
    public required string Id { get; init; }
    public required LocalizedText Name { get; init; }
    /// <summary>The ticket prefix of the procedure's service wherever it is opened.</summary>
    public required string TicketPrefix { get; init; }
    /// <summary>What to bring (持ち物).</summary>
    public IReadOnlyList<LocalizedText> Bring { get; init; } = [];
    /// <summary>Who it is for, or anything else a visitor should know before coming.</summary>
    public LocalizedText? Note { get; init; }
    public double DefaultServiceMinutes { get; init; } = 6;
}

/// <summary>One day's opening of a temporary counter, in Tokyo time.</summary>
public sealed record TemporarySession(DateOnly Date, TimeSpan Opens, TimeSpan Closes)
{
    // Computed, never stored or sent: a far-off date must not fail while being serialized.
    [JsonIgnore] public DateTimeOffset StartsAt => Tokyo.At(Date, Opens);
    [JsonIgnore] public DateTimeOffset EndsAt => Tokyo.At(Date, Closes);
    public bool IsOpenAt(DateTimeOffset now) => now >= StartsAt && now < EndsAt;
    public bool Overlaps(TemporarySession other) => StartsAt < other.EndsAt && other.StartsAt < EndsAt;
}

/// <summary>A schedule: a procedure at an office, with its sessions. Its counter and service are named after the procedure.</summary>
public sealed record TemporaryCounterSchedule
{
    public required string Id { get; init; }
    public required string ProcedureId { get; init; }
    public required string OfficeId { get; init; }
    public LocalizedText? Label { get; init; }
    public required IReadOnlyList<TemporarySession> Sessions { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Cancelled by an administrator: takes no more tickets, and its counter closes once nobody waits.</summary>
    public bool Cancelled { get; init; }

    /// <summary>The service that takes the procedure's tickets at the office.</summary>
    [JsonIgnore] public string ServiceId => TemporaryCounterRules.ServiceIdFor(ProcedureId);
    /// <summary>The counter that serves it.</summary>
    [JsonIgnore] public string CounterId => TemporaryCounterRules.CounterIdFor(ProcedureId);

    public TemporarySession? SessionAt(DateTimeOffset now) => Cancelled ? null : Sessions.FirstOrDefault(s => s.IsOpenAt(now));
    public bool IsOpenAt(DateTimeOffset now) => SessionAt(now) is not null;
}

/// <summary>The rules for temporary-counter schedules: valid sessions, no overlaps on one counter.</summary>
public static class TemporaryCounterRules
{
    public const int MaxSessions = 60;
    public const int MaxYearsAhead = 2;

    public static string ServiceIdFor(string procedureId) => procedureId;
    public static string CounterIdFor(string procedureId) => $"tmp-{procedureId}";

    /// <summary>
    /// Checks new sessions: each closes after it opens, none has already ended, none overlaps another
    /// (in the request or, for the same office and procedure — the same counter — in <paramref name="existing"/>).
    /// </summary>
    public static IReadOnlyList<TemporarySession> ValidateSessions(
        IReadOnlyList<TemporarySession> sessions, IEnumerable<TemporaryCounterSchedule> existing, DateTimeOffset now)
    {
        if (sessions.Count == 0)
            throw QueueRuleException.Invalid(ProblemCodes.NoSessions, "A schedule needs at least one session.");
        if (sessions.Count > MaxSessions)
            throw QueueRuleException.Invalid(ProblemCodes.TooManySessions, $"A schedule has at most {MaxSessions} sessions.");
        var today = Tokyo.DateOf(now);
        foreach (var s in sessions)
        {
            // Dates first: far-off ones are mistakes (and would not even convert to an instant).
            if (s.Date < today)
                throw QueueRuleException.Invalid(ProblemCodes.SessionInPast, $"Session {s.Date:yyyy-MM-dd} is in the past.");
            if (s.Date > today.AddYears(MaxYearsAhead))
                throw QueueRuleException.Invalid(ProblemCodes.SessionTooFar, $"Session {s.Date:yyyy-MM-dd} is more than {MaxYearsAhead} years ahead.");
            if (s.Opens < TimeSpan.Zero || s.Closes > TimeSpan.FromHours(24) || s.Opens >= TimeSpan.FromHours(24))
                throw QueueRuleException.Invalid(ProblemCodes.SessionTime, $"Session {s.Date:yyyy-MM-dd}: times must be within the day (00:00–24:00).");
            if (s.Closes <= s.Opens)
                throw QueueRuleException.Invalid(ProblemCodes.SessionClosesBeforeOpens, $"Session {s.Date:yyyy-MM-dd}: it must close after it opens.");
            if (s.EndsAt <= now)
                throw QueueRuleException.Invalid(ProblemCodes.SessionInPast, $"Session {s.Date:yyyy-MM-dd} {Format(s.Opens)}–{Format(s.Closes)} is in the past.");
        }
        var ordered = sessions.OrderBy(s => s.StartsAt).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Overlaps(ordered[i - 1]))
                throw QueueRuleException.Conflict(ProblemCodes.SessionOverlap, $"Sessions on {ordered[i].Date:yyyy-MM-dd} overlap each other.");
        }
        foreach (var other in existing)
        {
            var clash = ordered.FirstOrDefault(s => other.Sessions.Any(s.Overlaps));
            if (clash is not null)
                throw QueueRuleException.Conflict(ProblemCodes.SessionOverlap,
                    $"The session on {clash.Date:yyyy-MM-dd} overlaps schedule {other.Id} for the same counter.");
        }
        return ordered;
    }

    /// <summary>The instants at which a schedule's counter should change (each session's start and end).</summary>
    public static IEnumerable<DateTimeOffset> Transitions(TemporaryCounterSchedule schedule) =>
        schedule.Sessions.SelectMany(s => new[] { s.StartsAt, s.EndsAt });

    public const string SectionId = "temporary";

    /// <summary>
    /// The office with the procedure's temporary service and counter added (or relabelled), in a
    /// 臨時窓口 section on the office's main floor. Unchanged if they are already there as asked.
    /// </summary>
    public static OfficeDefinition WithTemporaryCounter(OfficeDefinition office, TemporaryProcedure procedure, LocalizedText? label)
    {
        var floor = office.Sections.FirstOrDefault(s => s.Id == SectionId)?.Floor ?? office.Sections.FirstOrDefault()?.Floor ?? "1F";
        var sections = office.Sections.Any(s => s.Id == SectionId)
            ? office.Sections
            : [.. office.Sections, new SectionDefinition(SectionId, new LocalizedText("臨時窓口", "Temporary counters") { Zh = "临时窗口", Ko = "임시 창구", Vi = "Quầy tạm thời" }, floor)];
        var service = new ServiceDefinition
        {
            Id = ServiceIdFor(procedure.Id), SectionId = SectionId, Name = procedure.Name, TicketPrefix = procedure.TicketPrefix,
            DefaultServiceMinutes = procedure.DefaultServiceMinutes, Temporary = true,
        };
        var counterLabel = label ?? new LocalizedText($"臨時窓口（{procedure.Name.Ja}）", $"Temporary counter ({procedure.Name.En})");
        var counter = new CounterDefinition { Id = CounterIdFor(procedure.Id), Label = counterLabel, Floor = floor, ServiceIds = [service.Id], Temporary = true };
        var existingService = office.Services.FirstOrDefault(s => s.Id == service.Id);
        var existingCounter = office.Counters.FirstOrDefault(c => c.Id == counter.Id);
        if (existingService is not null && !existingService.Temporary)
            throw QueueRuleException.Conflict(ProblemCodes.ServiceNotTemporary, $"Office '{office.Id}' already has a regular service '{service.Id}'.");
        if (existingService is not null && existingCounter is not null && existingCounter.Label == counterLabel && ReferenceEquals(sections, office.Sections))
            return office;
        return office with
        {
            Sections = sections,
            Services = [.. office.Services.Where(s => s.Id != service.Id), existingService ?? service],
            Counters = [.. office.Counters.Where(c => c.Id != counter.Id), counter],
        };
    }

    public static string Format(TimeSpan time) => TimeOfDay.FormatMinutes(time);

    /// <summary>The lobby notice while a session runs, e.g. 「大師支所で本日9:00〜16:00 ふれあいフリーパスの臨時窓口を開設しています」.</summary>
    public static LocalizedText NoticeText(LocalizedText officeName, TemporaryProcedure procedure, TemporarySession session)
    {
        var opens = $"{(int)session.Opens.TotalHours}:{session.Opens.Minutes:00}";
        var closes = $"{(int)session.Closes.TotalHours}:{session.Closes.Minutes:00}";
        return new LocalizedText(
            $"{officeName.Ja}で本日{opens}〜{closes} {procedure.Name.Ja}の臨時窓口を開設しています",
            $"{officeName.En}: temporary counter for {procedure.Name.En} open today {opens}–{closes}")
        {
            Zh = procedure.Name.Zh is null || officeName.Zh is null ? null : $"{officeName.Zh}今天{opens}〜{closes}开设{procedure.Name.Zh}临时窗口",
            Ko = procedure.Name.Ko is null || officeName.Ko is null ? null : $"{officeName.Ko}에서 오늘 {opens}~{closes} {procedure.Name.Ko} 임시 창구를 운영합니다",
            Vi = procedure.Name.Vi is null || officeName.Vi is null ? null : $"{officeName.Vi}: quầy tạm thời {procedure.Name.Vi} mở hôm nay {opens}–{closes}",
        };
    }
}

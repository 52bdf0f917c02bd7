using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Counters;
using CounterQueue.Domain.Offices;

namespace CounterQueue.Tests.Support;

/// <summary>Offices made for one test each, so no test sees another's tickets.</summary>
public static class TestOffices
{
    public static string NewId(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public static readonly OfficeSchedule AlwaysOpen = new()
    {
        Weekdays = DailyHours.Parse("00:00", "24:00"),
        Saturdays = new SaturdayHours { Hours = DailyHours.Parse("00:00", "24:00") },
        Sundays = DailyHours.Parse("00:00", "24:00"),
        ClosedOnHolidays = false,
        YearEndClosure = false,
    };

    /// <summary>
    /// Services "a" (A-), "b" (B-) and the three-step "m" (M-: reception, processing, pickup).
    /// Counters (2F but c3 on 3F): c1 serves a; c2 serves a and b; c3 serves b; p1..p8 serve a (for races);
    /// mr takes m's reception, mp its pick-up.
    /// </summary>
    public static OfficeDefinition Create(string? id = null, OfficeSchedule? hours = null, int maxConsecutiveAssisted = 3) => new()
    {
        Id = id ?? NewId(),
        Kind = OfficeKind.Ward,
        Name = new LocalizedText("テスト区役所", "Test Ward Office"),
        Hours = hours ?? AlwaysOpen,
        Fairness = new FairnessOptions { MaxConsecutiveAssisted = maxConsecutiveAssisted },
        Sections = [new SectionDefinition("sec", new LocalizedText("区民課", "Residents"), "2F")],
        Services =
        [
            Service("a", "A"),
            Service("b", "B"),
            Service("m", "M") with
            {
                Steps =
                [
                    new StepDefinition("reception", StepKind.Counter),
                    new StepDefinition("processing", StepKind.Processing),
                    new StepDefinition("pickup", StepKind.Counter),
                ],
            },
        ],
        Counters =
        [
            Counter("c1", "a"), Counter("c2", "a", "b"), Counter("c3", "b") with { Floor = "3F" },
            .. Enumerable.Range(1, 8).Select(i => Counter($"p{i}", "a")),
            Counter("mr", "m") with { Steps = ["reception"] },
            Counter("mp", "m") with { Steps = ["pickup"] },
        ],
    };

    private static ServiceDefinition Service(string id, string prefix) => new()
    {
        Id = id,
        SectionId = "sec",
        Name = new LocalizedText($"手続き{prefix}", $"Service {prefix}"),
        TicketPrefix = prefix,
        DefaultServiceMinutes = 5,
    };

    private static CounterDefinition Counter(string id, params string[] services) => new()
    {
        Id = id,
        Label = new LocalizedText($"{id}番窓口", $"Counter {id}"),
        Floor = "2F",
        ServiceIds = services,
    };
}

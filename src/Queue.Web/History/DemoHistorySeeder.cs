using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.History;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.History;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Offices;
using Microsoft.Extensions.Options;

namespace CounterQueue.Web.History;

/// <summary>
/// For demonstrations (Queue:DemoHistoryWeeks = N): fills the last N weeks of the history with plausible traffic
/// (<see cref="DemoTraffic"/>) for every office, on the days that have none yet, before the host takes requests, so a
/// fresh install shows a forecast and reports. Never on by default.
/// </summary>
public sealed class DemoHistorySeeder(OfficeCatalog catalog, IVisitHistory history, TimeProvider time, IOptions<QueueOptions> options,
    ILogger<DemoHistorySeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var weeks = options.Value.DemoHistoryWeeks;
        if (weeks <= 0 || !history.Enabled) return;
        var today = Tokyo.DateOf(time.GetUtcNow());
        var total = 0;
        foreach (var office in await catalog.ListAsync())
        {
            for (var day = today.AddDays(-7 * weeks); day < today; day = day.AddDays(1))
            {
                if (office.Hours.HoursOn(day) is null || await history.HasDayAsync(office.Id, day, cancellationToken)) continue;
                var events = DemoTraffic.Day(office, day);
                foreach (var chunk in events.Chunk(2000)) await history.AppendAsync(chunk);
                total += events.Count;
            }
        }
        logger.LogInformation("Demo history: {Count} visit events filled in for the last {Weeks} weeks", total, weeks);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Plausible traffic for a demo day (not real data): visitors arrive with a morning rush and an early-afternoon peak,
/// more on Mondays, at the month's end and in the March–April moving season (引っ越しシーズン), fewer at branches; each
/// service's counters serve them in turn, with a few no-shows. The same office and day always give the same events.
/// </summary>
public static class DemoTraffic
{
    private static readonly Dictionary<int, double> HourShape = new()
    {
        [8] = 0.9, [9] = 1.5, [10] = 1.4, [11] = 1.0, [12] = 0.6, [13] = 1.2, [14] = 1.0, [15] = 0.8, [16] = 0.6, [17] = 0.2,
    };

    /// <summary>A seed that is the same in every process (string hash codes are not).</summary>
    private static int StableSeed(string officeId, DateOnly day)
    {
        var hash = 2166136261u; // FNV-1a
        foreach (var c in officeId) hash = (hash ^ c) * 16777619u;
        return (int)((hash ^ (uint)day.DayNumber) & int.MaxValue);
    }

    public static List<VisitEvent> Day(OfficeDefinition office, DateOnly day)
    {
        var hours = office.Hours.HoursOn(day);
        if (hours is null) return [];
        var random = new Random(StableSeed(office.Id, day));
        var factor = (day.DayOfWeek == DayOfWeek.Monday ? 1.3 : day.DayOfWeek == DayOfWeek.Saturday ? 1.4 : 1.0)
                     * (day.Day >= DateTime.DaysInMonth(day.Year, day.Month) - 3 ? 1.3 : 1.0)
                     * (day is { Month: 3, Day: >= 15 } or { Month: 4, Day: <= 10 } ? 1.7 : 1.0)
                     * (office.Kind == OfficeKind.Branch ? 0.4 : 1.0);
        var events = new List<VisitEvent>();
        var serial = 0;
        foreach (var service in office.Services.Where(s => !s.Temporary))
        {
            var counters = office.Counters.Where(c => c.ServiceIds.Contains(service.Id) && !c.Temporary).Select(c => c.Id).ToList();
            if (counters.Count == 0) continue;
            // Each step has its own turn of the counters (a pick-up is not queued behind the morning's receptions).
            var free = service.Steps.Select(_ => counters.ToDictionary(c => c, _ => Tokyo.At(day, hours.Opens))).ToList();
            var perHour = counters.Count * 60 / service.DefaultServiceMinutes / service.Steps.Count(s => s.Kind == StepKind.Counter) * 0.7 * factor;
            var number = 0;
            for (var at = Tokyo.At(day, hours.Opens); at < Tokyo.At(day, hours.Closes) - TimeSpan.FromMinutes(15);)
            {
                var rate = perHour * HourShape.GetValueOrDefault(Tokyo.ToLocal(at).Hour, 0.5) / 60; // per minute
                at += TimeSpan.FromMinutes(-Math.Log(1 - random.NextDouble()) / Math.Max(rate, 0.01));
                if (at >= Tokyo.At(day, hours.Closes) - TimeSpan.FromMinutes(15)) break;
                var id = $"demo-{office.Id}-{day:yyyyMMdd}-{++serial}";
                var ticket = $"{service.TicketPrefix}-{++number:000}";
                VisitEvent E(string kind, DateTimeOffset when, string? counter = null, int step = 0) =>
                    new(kind, when, office.Id, day, service.Id, id, ticket, counter, counter is null ? null : $"staff-{counter}", service.Steps[step].Id);
                events.Add(E(VisitEventKinds.Issued, at));
                var waitingSince = at;
                for (var step = 0; step < service.Steps.Count; step++)
                {
                    if (service.Steps[step].Kind == StepKind.Processing)
                    {
                        waitingSince += TimeSpan.FromMinutes(15 + random.Next(25));
                        events.Add(E(VisitEventKinds.Ready, waitingSince, step: step));
                        continue;
                    }
                    var turn = free[step];
                    var counter = turn.MinBy(f => f.Value).Key;
                    var called = turn[counter] > waitingSince ? turn[counter] : waitingSince;
                    events.Add(E(VisitEventKinds.Called, called, counter, step));
                    if (random.NextDouble() < 0.03)
                    {
                        events.Add(E(VisitEventKinds.NoShow, called + TimeSpan.FromMinutes(3), counter, step));
                        turn[counter] = called + TimeSpan.FromMinutes(3);
                        break;
                    }
                    var minutes = service.DefaultServiceMinutes * (0.5 + random.NextDouble());
                    events.Add(E(VisitEventKinds.Started, called + TimeSpan.FromMinutes(1), counter, step));
                    var done = called + TimeSpan.FromMinutes(1 + minutes);
                    turn[counter] = done;
                    var last = step == service.Steps.Count - 1;
                    var kind = !last
                        ? service.Steps[step + 1].Kind == StepKind.Processing ? VisitEventKinds.SentToProcessing : VisitEventKinds.StepCompleted
                        : service.Steps.Take(step).Any(s => s.Kind == StepKind.Processing) ? VisitEventKinds.PickedUp : VisitEventKinds.Completed;
                    events.Add(E(kind, done, counter, step));
                    waitingSince = done;
                }
            }
        }
        return events.OrderBy(e => e.At).ToList();
    }
}

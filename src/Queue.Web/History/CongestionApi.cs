using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.History;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.History;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.TemporaryCounters;
using CounterQueue.Silo.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;

namespace CounterQueue.Web.History;

/// <summary>One day's expected waits for a service: what kind of day it is (see <see cref="DayKinds"/>) and each opening hour.</summary>
public sealed record DayForecast(DateOnly Date, string Kind, IReadOnlyList<HourForecast> ByHour);

/// <summary>
/// A service's congestion (api.md "Congestion and reports"): who waits now and the estimated wait, the expected wait by
/// hour today (<c>byHour</c>), and the coming days (<c>days</c>, today first), so visitors can pick a quiet time (分散利用).
/// </summary>
public sealed record ServiceCongestion(string ServiceId, LocalizedText Name, string SectionId, LocalizedText? SectionName, string Floor, bool Open,
    bool Temporary, int Waiting, int EstimatedWaitMinutes, IReadOnlyList<HourForecast> ByHour, IReadOnlyList<DayForecast> Days, int HistoryDays);

/// <summary>Public congestion: the live state of every service and a forecast learned from the past weeks' history.</summary>
public static class CongestionApi
{
    public static WebApplication MapCongestionApi(this WebApplication app)
    {
        app.MapGet("/api/offices/{officeId}/congestion", CongestionAsync).WithTags("Congestion and reports").AllowAnonymous();
        return app;
    }

    private static async Task<Ok<IReadOnlyList<ServiceCongestion>>> CongestionAsync(string officeId, OfficeCatalog catalog, CongestionService congestion,
        CancellationToken cancellationToken)
    {
        var office = await catalog.RequireAsync(officeId);
        return TypedResults.Ok(await congestion.ForOfficeAsync(office, cancellationToken));
    }
}

/// <summary>
/// Learns each office's forecast from the last <see cref="WeeksLearned"/> weeks of history (the issued and called events),
/// once per office and day and then every <see cref="RelearnEvery"/> at most (kept in memory), and joins it with the lines' live state.
/// </summary>
public sealed class CongestionService(IVisitHistory history, TicketService tickets, IGrainFactory grains, TimeProvider time, IMemoryCache cache)
{
    public const int WeeksLearned = 8;
    public const int DaysAhead = 7;
    private static readonly TimeSpan RelearnEvery = TimeSpan.FromMinutes(30);

    public async Task<IReadOnlyList<ServiceCongestion>> ForOfficeAsync(OfficeDefinition office, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var today = Tokyo.DateOf(now);
        var (forecast, temporaryDays, historyDays) = await ModelAsync(office, today, cancellationToken);
        var summaries = await tickets.SummariesAsync(office);
        var days = Enumerable.Range(0, DaysAhead).Select(today.AddDays).ToList();
        return office.Services.Select(s =>
        {
            var line = summaries[s.Id];
            var ahead = days.Select(d =>
            {
                var hours = office.Hours.HoursOn(d);
                var kind = DayKinds.Of(d, hours is not null, temporaryDays.Contains(d));
                return new DayForecast(d, kind, forecast.Day(s.Id, kind, hours));
            }).ToList();
            return new ServiceCongestion(s.Id, s.Name, s.SectionId, office.FindSection(s.SectionId)?.Name, office.FloorOf(s, now), line.Accepting,
                s.Temporary, line.Waiting, line.EstimatedWaitMinutes, ahead[0].ByHour, ahead, historyDays);
        }).ToList();
    }

    private async Task<(CongestionForecast Forecast, HashSet<DateOnly> TemporaryDays, int HistoryDays)> ModelAsync(OfficeDefinition office, DateOnly today,
        CancellationToken cancellationToken)
    {
        var key = (nameof(CongestionService), office.Id, today);
        if (cache.TryGetValue(key, out (CongestionForecast, HashSet<DateOnly>, int) model)) return model;
        var schedules = await grains.GetGrain<ITemporaryCounterRegistryGrain>(ITemporaryCounterRegistryGrain.Key).ListAsync();
        var temporaryDays = schedules.Where(s => s.OfficeId == office.Id && !s.Cancelled).SelectMany(s => s.Sessions).Select(s => s.Date).ToHashSet();
        var events = await history.ReadAsync(office.Id, today.AddDays(-7 * WeeksLearned), today.AddDays(-1),
            [VisitEventKinds.Issued, VisitEventKinds.Called], cancellationToken); // a ticket's first wait: from its issue to its first call
        var learned = CongestionForecast.Learn(events, d => DayKinds.Of(d, true, temporaryDays.Contains(d)),
            serviceId => 2 * (office.FindService(serviceId)?.DefaultServiceMinutes ?? 8));
        model = (learned, temporaryDays, events.Select(e => e.Day).Distinct().Count());
        cache.Set(key, model, RelearnEvery);
        return model;
    }
}

using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Counters;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Counters;
using CounterQueue.Silo.Guides;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CounterQueue.Web.Guides;

/// <summary>A search result: where a service is now, which of its counters are open, how many wait.</summary>
public sealed record GuideResult(string ServiceId, LocalizedText Name, string SectionId, LocalizedText? SectionName, string Floor,
    LocalizedText? Area, IReadOnlyList<OpenCounter> OpenCounters, int Waiting, int EstimatedWaitMinutes, bool Accepting, UpcomingMove? Upcoming);

public sealed record OpenCounter(string Id, LocalizedText Label, string Floor);

/// <summary>Floor guides (案内係): search where to go, and the record of the day's redirects.</summary>
public static class GuideApi
{
    public static WebApplication MapGuideApi(this WebApplication app)
    {
        app.MapGet("/api/offices/{officeId}/search", SearchAsync).WithTags("Floor guides");
        app.MapGet("/api/offices/{officeId}/redirects", RedirectsAsync).WithTags("Floor guides").RequireAuthorization(IdentityApi.GuidePolicy);
        return app;
    }

    /// <summary>
    /// Finds services by kanji, kana, romaji/English or everyday words (「引っ越し」, 「ハンコ」), best first, with where
    /// they are now, their open counters and the waiting count. Public: the same answers a guide gives aloud.
    /// </summary>
    private static async Task<Ok<List<GuideResult>>> SearchAsync(string officeId, string? q, OfficeCatalog catalog, TicketService tickets,
        CounterService counters, TimeProvider time)
    {
        var office = await catalog.RequireAsync(officeId);
        if (string.IsNullOrWhiteSpace(q) || q.Length > GuideSearch.MaxQueryLength || q.Any(char.IsControl))
            throw Validate.Invalid($"'q' is what to look for: 1-{GuideSearch.MaxQueryLength} characters, e.g. 住民票, ひっこし, hanko, pension.");
        var found = GuideSearch.Find(office, q);
        if (found.Count == 0) return TypedResults.Ok(new List<GuideResult>());
        var now = time.GetUtcNow();
        var summaries = await tickets.SummariesAsync(office);
        var views = await counters.ListAsync(office);
        return TypedResults.Ok(found.Select(service =>
        {
            var section = office.FindSection(service.SectionId);
            var place = section is null ? new SectionPlace("", null) : RelocationRules.PlaceAt(office, section, now);
            var open = views.Where(c => c.State == CounterStatus.Open && c.ServiceIds.Contains(service.Id))
                .Select(c => new OpenCounter(c.Id, c.Label, c.Floor)).ToList();
            var line = summaries[service.Id];
            return new GuideResult(service.Id, service.Name, service.SectionId, section?.Name, place.Floor, place.Area, open,
                line.Waiting, line.EstimatedWaitMinutes, line.Accepting, section is null ? null : RelocationRules.UpcomingAt(office, section, now));
        }).ToList());
    }

    /// <summary>Who redirected which ticket where, and when, on a day (today by default).</summary>
    private static async Task<Ok<IReadOnlyList<RedirectEntry>>> RedirectsAsync(string officeId, string? date, OfficeCatalog catalog, IGrainFactory grains, TimeProvider time)
    {
        var office = await catalog.RequireAsync(officeId);
        var day = Validate.Date(date, "date") ?? Tokyo.DateOf(time.GetUtcNow());
        return TypedResults.Ok(await grains.GetGrain<IRedirectLogGrain>(RedirectLogGrain.Key(office.Id, day)).ListAsync());
    }
}

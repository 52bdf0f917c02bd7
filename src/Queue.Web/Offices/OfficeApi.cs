using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Counters;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CounterQueue.Web.Offices;

public sealed record OfficeSummary(string Id, LocalizedText Name, OfficeKind Kind, LocalizedText? Address, bool OpenNow);

public sealed record ServiceSummary(
    string Id, LocalizedText Name, string Section, LocalizedText? SectionName, string Floor, string TicketPrefix,
    bool Open, int Waiting, int EstimatedWaitMinutes, bool Bookable, bool Temporary, IReadOnlyList<string> Steps);

/// <summary>
/// Where a section is on a date (api.md); <c>movedFrom</c> for a month after a move (the floor it left and the date it
/// moved), <c>upcoming</c> for a month before the next one.
/// </summary>
public sealed record DirectoryEntry(string SectionId, LocalizedText Name, string Floor, LocalizedText? Area,
    IReadOnlyList<string> ServiceIds, MovedFrom? MovedFrom, UpcomingMove? Upcoming = null);

public static class OfficeApi
{
    public static WebApplication MapOfficeApi(this WebApplication app)
    {
        var offices = app.MapGroup("/api/offices").WithTags("Offices");
        offices.MapGet("/", ListAsync);
        offices.MapGet("/{officeId}/services", ServicesAsync);
        offices.MapGet("/{officeId}/counters", CountersAsync);
        offices.MapGet("/{officeId}/directory", DirectoryAsync);

        var admin = app.MapGroup("/api/admin/offices").WithTags("Administration").RequireAuthorization(IdentityApi.AdminPolicy);
        admin.MapGet("/{officeId}", DefinitionAsync);
        admin.MapPut("/{officeId}", DefineAsync);
        return app;
    }

    private static async Task<Ok<List<OfficeSummary>>> ListAsync(OfficeCatalog catalog, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var offices = await catalog.ListAsync();
        return TypedResults.Ok(offices.Select(o => new OfficeSummary(o.Id, o.Name, o.Kind, o.Address, o.Hours.IsOpen(now))).ToList());
    }

    private static async Task<Ok<List<ServiceSummary>>> ServicesAsync(string officeId, OfficeCatalog catalog, TicketService tickets, TimeProvider time)
    {
        var office = await catalog.RequireAsync(officeId);
        var summaries = await tickets.SummariesAsync(office);
        var now = time.GetUtcNow();
        return TypedResults.Ok(office.Services.Select(s =>
        {
            var line = summaries[s.Id];
            return new ServiceSummary(s.Id, s.Name, s.SectionId, office.FindSection(s.SectionId)?.Name, office.FloorOf(s, now),
                s.TicketPrefix, line.Accepting, line.Waiting, line.EstimatedWaitMinutes, s.Bookable, s.Temporary,
                s.Steps.Select(step => step.Id).ToList());
        }).ToList());
    }

    private static async Task<Ok<IReadOnlyList<CounterView>>> CountersAsync(string officeId, OfficeCatalog catalog, CounterService counters)
    {
        var office = await catalog.RequireAsync(officeId);
        return TypedResults.Ok(await counters.ListAsync(office));
    }

    /// <summary>
    /// Where each section and its services are on a date (now when no date is given; otherwise at noon that day, so a
    /// move that takes effect that morning counts for the day), with the floor it left after a move and its next move.
    /// </summary>
    private static async Task<Ok<List<DirectoryEntry>>> DirectoryAsync(string officeId, string? date, OfficeCatalog catalog, TimeProvider time)
    {
        var office = await catalog.RequireAsync(officeId);
        var at = Validate.Date(date, "date") is { } day ? RelocationRules.NoonOf(day) : time.GetUtcNow();
        return TypedResults.Ok(office.Sections.Select(section =>
        {
            var place = RelocationRules.PlaceAt(office, section, at);
            return new DirectoryEntry(section.Id, section.Name, place.Floor, place.Area,
                office.Services.Where(s => s.SectionId == section.Id).Select(s => s.Id).ToList(),
                RelocationRules.MovedFromAt(office, section, at), RelocationRules.UpcomingAt(office, section, at));
        }).ToList());
    }

    private static async Task<Ok<OfficeDefinition>> DefinitionAsync(string officeId, OfficeCatalog catalog) =>
        TypedResults.Ok(await catalog.RequireAsync(officeId));

    /// <summary>Creates or replaces an office's definition (sections, services, counters, hours).</summary>
    private static async Task<Results<Ok<OfficeDefinition>, Created<OfficeDefinition>>> DefineAsync(
        string officeId, OfficeDefinition definition, OfficeCatalog catalog)
    {
        if (definition.Id != officeId) throw Validate.Invalid("The body's 'id' must match the office id in the path.");
        var existed = await catalog.FindAsync(officeId) is not null;
        await catalog.DefineAsync(definition, onlyIfNew: false);
        return existed ? TypedResults.Ok(definition) : TypedResults.Created($"/api/admin/offices/{officeId}", definition);
    }
}

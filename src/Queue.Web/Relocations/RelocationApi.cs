using CounterQueue.Domain;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Offices;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Quartz;

namespace CounterQueue.Web.Relocations;

/// <summary>A move to record (api.md): the section, its new floor and area, when, and a note.</summary>
public sealed record RelocationRequest(string? SectionId, string? ToFloor, LocalizedText? ToArea, DateTimeOffset? EffectiveFrom, LocalizedText? Note);

/// <summary>
/// Relocations (移転): an administrator records when a section moves to which floor; the directory, tickets, counters
/// and displays follow from that moment (a Quartz trigger at each move tells those waiting and the displays).
/// </summary>
public static class RelocationApi
{
    /// <summary>How far back a move can be recorded (an urgent move recorded a little late); older history is set in the office definition.</summary>
    private static readonly TimeSpan MaxPast = TimeSpan.FromDays(1);

    public static WebApplicationBuilder AddRelocations(this WebApplicationBuilder builder)
    {
        builder.Services.AddQuartz(quartz => quartz.AddJob<RelocationJob>(job => job.WithIdentity(RelocationJob.Key).StoreDurably()));
        builder.Services.AddSingleton<RelocationScheduler>();
        builder.Services.AddHostedService<RelocationStartup>();
        return builder;
    }

    public static WebApplication MapRelocationApi(this WebApplication app)
    {
        app.MapGet("/api/offices/{officeId}/relocations", ListAsync).WithTags("Relocations");
        var admin = app.MapGroup("/api/offices/{officeId}/relocations").WithTags("Relocations").RequireAuthorization(IdentityApi.AdminPolicy);
        admin.MapPost("/", CreateAsync);
        admin.MapPut("/{relocationId}", ChangeAsync);
        admin.MapDelete("/{relocationId}", CancelAsync);
        return app;
    }

    /// <summary>Every move of the office, past and planned, in time order.</summary>
    private static async Task<Ok<List<Relocation>>> ListAsync(string officeId, OfficeCatalog catalog) =>
        TypedResults.Ok((await catalog.RequireAsync(officeId)).Relocations.OrderBy(r => r.EffectiveFrom).ToList());

    /// <summary>Records a move. One effective now (or a little in the past) takes effect at once.</summary>
    private static async Task<Created<Relocation>> CreateAsync(string officeId, RelocationRequest request, OfficeCatalog catalog,
        RelocationScheduler scheduler, TimeProvider time)
    {
        var office = await catalog.RequireAsync(officeId);
        var move = Valid(office, $"r-{Guid.NewGuid():N}"[..14], request, time);
        await catalog.SetRelocationAsync(office.Id, move);
        await scheduler.ScheduleAsync(office.Id, move);
        return TypedResults.Created($"/api/offices/{office.Id}/relocations/{move.Id}", move);
    }

    /// <summary>Changes a move not yet in effect (409 once it is).</summary>
    private static async Task<Ok<Relocation>> ChangeAsync(string officeId, string relocationId, RelocationRequest request, OfficeCatalog catalog,
        RelocationScheduler scheduler, TimeProvider time)
    {
        var office = await catalog.RequireAsync(officeId);
        if (office.Relocations.All(r => r.Id != relocationId)) throw NotFound(office, relocationId);
        var move = Valid(office, relocationId, request, time);
        await catalog.SetRelocationAsync(office.Id, move);
        await scheduler.ScheduleAsync(office.Id, move);
        return TypedResults.Ok(move);
    }

    /// <summary>Cancels a move not yet in effect (409 once it is).</summary>
    private static async Task<NoContent> CancelAsync(string officeId, string relocationId, OfficeCatalog catalog, RelocationScheduler scheduler)
    {
        var office = await catalog.RequireAsync(officeId);
        await catalog.RemoveRelocationAsync(office.Id, relocationId);
        await scheduler.UnscheduleAsync(office.Id, relocationId);
        return TypedResults.NoContent();
    }

    private static QueueRuleException NotFound(OfficeDefinition office, string relocationId) =>
        QueueRuleException.NotFound(ProblemCodes.RelocationNotFound, $"Office '{office.Id}' has no relocation '{relocationId}'.");

    private static Relocation Valid(OfficeDefinition office, string id, RelocationRequest request, TimeProvider time)
    {
        var sectionId = Validate.Required(request.SectionId, "sectionId", 40);
        if (office.FindSection(sectionId) is null)
            throw QueueRuleException.NotFound(ProblemCodes.SectionNotFound, $"Office '{office.Id}' has no section '{sectionId}'.");
        var toFloor = Validate.Required(request.ToFloor, "toFloor", 10);
        var from = request.EffectiveFrom ?? throw Validate.Invalid("'effectiveFrom' is required, e.g. 2026-12-02T08:00:00+09:00.");
        if (from < time.GetUtcNow() - MaxPast) throw Validate.Invalid("'effectiveFrom' may be at most a day in the past.");
        if (from > time.GetUtcNow().AddYears(5)) throw Validate.Invalid("'effectiveFrom' may be at most five years ahead.");
        return new Relocation { Id = id, SectionId = sectionId, ToFloor = toFloor, ToArea = request.ToArea, EffectiveFrom = from, Note = request.Note };
    }
}

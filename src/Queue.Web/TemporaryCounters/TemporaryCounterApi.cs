using CounterQueue.Domain.Offices;
using System.Text.Json;
using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.TemporaryCounters;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Lobby;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.TemporaryCounters;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Infrastructure;
using CounterQueue.Web.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CounterQueue.Web.TemporaryCounters;

public sealed record SessionRequest(string? Date, string? Opens, string? Closes);

public sealed record CreateTemporaryCounterRequest(string? ProcedureId, string? Label, IReadOnlyList<SessionRequest?>? Sessions);

public sealed record SessionView(DateOnly Date, string Opens, string Closes, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool OpenNow);

public sealed record TemporaryCounterView(
    string Id, string ProcedureId, LocalizedText ProcedureName, string OfficeId, LocalizedText? OfficeName,
    string ServiceId, string CounterId, LocalizedText? Label, IReadOnlyList<SessionView> Sessions, bool OpenNow,
    IReadOnlyList<LocalizedText> Bring, LocalizedText? Note);

/// <summary>What the temporary-counter endpoints work with, injected as one parameter (eShop's <c>[AsParameters]</c> services).</summary>
public sealed record TemporaryCounterServices(
    OfficeCatalog Catalog, IGrainFactory Grains, TemporaryCounterScheduler Scheduler, TemporaryCounterOperator Counters,
    Idempotency Idempotency, TimeProvider Time);

/// <summary>Temporary counters (臨時窓口): schedules for administrators, where and when for everyone.</summary>
public static class TemporaryCounterApi
{
    private static ITemporaryCounterRegistryGrain Registry(IGrainFactory grains) =>
        grains.GetGrain<ITemporaryCounterRegistryGrain>(ITemporaryCounterRegistryGrain.Key);

    public static WebApplication MapTemporaryCounterApi(this WebApplication app)
    {
        var open = app.MapGroup("/api").WithTags("Temporary counters");
        open.MapGet("/temporary-counters", ListAsync);
        open.MapGet("/temporary-procedures", ProceduresAsync);
        open.MapGet("/offices/{officeId}/notices", NoticesAsync);

        var admin = app.MapGroup("/api").WithTags("Temporary counters").RequireAuthorization(IdentityApi.AdminPolicy);
        admin.MapPost("/offices/{officeId}/temporary-counters", CreateAsync);
        admin.MapDelete("/temporary-counters/{id}", CancelAsync);
        return app;
    }

    /// <summary>Schedules a temporary counter: a procedure at an office with its sessions (date, opens, closes; Japan time).</summary>
    private static async Task<IResult> CreateAsync(string officeId, CreateTemporaryCounterRequest request, HttpContext context,
        [AsParameters] TemporaryCounterServices services)
    {
        var (catalog, grains, scheduler, counters, idempotency, time) = services;
        var office = await catalog.RequireAsync(officeId);
        var procedureId = Validate.Required(request.ProcedureId, "procedureId", 40);
        var label = request.Label is null ? null : Validate.Required(request.Label, "label", 60);
        if (request.Sessions is not { Count: > 0 } sessionRequests) throw Validate.Invalid("'sessions' needs at least one session.");
        if (sessionRequests.Count > TemporaryCounterRules.MaxSessions) throw Validate.Invalid($"At most {TemporaryCounterRules.MaxSessions} sessions.");
        var sessions = sessionRequests.Select((s, i) => new TemporarySession(
            Validate.Date(s?.Date, $"sessions[{i}].date") ?? throw Validate.Invalid($"'sessions[{i}].date' is required."),
            Time(s!.Opens, $"sessions[{i}].opens"), Time(s.Closes, $"sessions[{i}].closes"))).ToList();
        return await idempotency.RunAsync(context, $"temporary-counters:{office.Id}", JsonSerializer.Serialize(request),
            $"tc-{Guid.NewGuid():N}"[..15],
            async id =>
            {
                // The registry checks the procedure (404) and the sessions against the other schedules (409).
                var schedule = await Registry(grains).CreateAsync(new TemporaryCounterSchedule
                {
                    Id = id, ProcedureId = procedureId, OfficeId = office.Id, Sessions = sessions, CreatedAt = time.GetUtcNow(),
                    Label = label is null ? null : new LocalizedText(label, label),
                });
                await scheduler.EnsureTriggersAsync(schedule);
                await counters.ReconcileAsync(schedule, cancelled: false); // a session already running opens now
                var procedures = await Registry(grains).GetProceduresAsync();
                return (await ViewAsync(schedule, procedures, catalog, time.GetUtcNow()), $"/api/temporary-counters?officeId={office.Id}");
            });
    }

    /// <summary>Every schedule (or one office's), with its sessions, whether it is open now, and what to bring.</summary>
    private static async Task<Ok<List<TemporaryCounterView>>> ListAsync(string? officeId, IGrainFactory grains, OfficeCatalog catalog, TimeProvider time)
    {
        if (officeId is not null) await catalog.RequireAsync(officeId);
        var registry = Registry(grains);
        var procedures = await registry.GetProceduresAsync();
        var now = time.GetUtcNow();
        var views = new List<TemporaryCounterView>();
        foreach (var schedule in (await registry.ListAsync()).Where(s => !s.Cancelled && (officeId is null || s.OfficeId == officeId))
                     .OrderBy(s => s.Sessions.Min(x => x.StartsAt)))
            views.Add(await ViewAsync(schedule, procedures, catalog, now));
        return TypedResults.Ok(views);
    }

    private static async Task<Ok<IReadOnlyList<TemporaryProcedure>>> ProceduresAsync(IGrainFactory grains) =>
        TypedResults.Ok(await Registry(grains).GetProceduresAsync());

    /// <summary>
    /// What an office's lobby display and kiosk should show now: temporary counters open here (or anywhere, for a ward
    /// office), and the office's moves from a month before to a week after (移転のお知らせ).
    /// </summary>
    private static async Task<Ok<List<Notice>>> NoticesAsync(string officeId, OfficeCatalog catalog, TemporaryCounterOperator counters, TimeProvider time)
    {
        var office = await catalog.RequireAsync(officeId);
        var notices = (await counters.ActiveNoticesAsync(office)).ToList();
        notices.AddRange(RelocationRules.Announcements(office, time.GetUtcNow()).Select(text => new Notice(office.Id, "relocation", text)));
        return TypedResults.Ok(notices);
    }

    /// <summary>Cancels a schedule: no new tickets; those waiting are still served and the counter then closes.</summary>
    private static async Task<NoContent> CancelAsync(string id, IGrainFactory grains,
        TemporaryCounterScheduler scheduler, TemporaryCounterOperator counters, IOptions<QueueOptions> options)
    {
        var schedule = await Registry(grains).CancelAsync(id)
                       ?? throw QueueRuleException.NotFound(ProblemCodes.ScheduleNotFound, $"There is no temporary counter schedule '{id}'.");
        await scheduler.RemoveTriggersAsync(schedule);
        // Visitors already waiting are still served; the counter closes when they are done (checked again until then).
        if ((await counters.ReconcileAsync(schedule, cancelled: true)).ClosePending)
            await scheduler.RetryCloseAsync(schedule.Id, options.Value.TemporaryCloseRetry);
        return TypedResults.NoContent();
    }

    private static async Task<TemporaryCounterView> ViewAsync(TemporaryCounterSchedule schedule, IReadOnlyList<TemporaryProcedure> procedures,
        OfficeCatalog catalog, DateTimeOffset now)
    {
        var procedure = procedures.FirstOrDefault(p => p.Id == schedule.ProcedureId);
        var office = await catalog.FindAsync(schedule.OfficeId);
        return new TemporaryCounterView(schedule.Id, schedule.ProcedureId, procedure?.Name ?? new LocalizedText(schedule.ProcedureId, schedule.ProcedureId),
            schedule.OfficeId, office?.Name, schedule.ServiceId, schedule.CounterId, schedule.Label,
            schedule.Sessions.Select(s => new SessionView(s.Date, TemporaryCounterRules.Format(s.Opens), TemporaryCounterRules.Format(s.Closes),
                Tokyo.ToLocal(s.StartsAt), Tokyo.ToLocal(s.EndsAt), s.IsOpenAt(now))).ToList(),
            schedule.IsOpenAt(now), procedure?.Bring ?? [], procedure?.Note);
    }

    /// <summary>"HH:mm" or "HH:mm:ss" (Japan time); "24:00" is the end of the day.</summary>
    private static TimeSpan Time(string? value, string field) =>
        TimeOfDay.TryParse(value, out var time) ? time : throw Validate.Invalid($"'{field}' must be a time as HH:mm or HH:mm:ss.");
}

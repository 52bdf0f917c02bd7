using System.Globalization;
using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.History;
using CounterQueue.Silo.History;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Quartz;

namespace CounterQueue.Web.History;

/// <summary>The processing desk of an office (staff): every multi-step service's tickets being processed, ready, or uncollected.</summary>
public sealed record DeskView(IReadOnlyList<DeskEntry> Processing, IReadOnlyList<DeskEntry> Ready, IReadOnlyList<DeskEntry> Uncollected);

public sealed record DeskEntry(string TicketId, string Number, string ServiceId, CounterQueue.Domain.LocalizedText ServiceName, string Step,
    DateTimeOffset Since, int MinutesSince, bool Recalled);

/// <summary>
/// The visit history (来庁記録) for staff: a ticket's journey with every step, its counter, staff member and times, and
/// the processing desk (受付 → 審査 → 交付). Reports and congestion read the same history (<see cref="ReportApi"/>,
/// <see cref="CongestionApi"/>).
/// </summary>
public static class HistoryApi
{
    public static WebApplicationBuilder AddVisitHistory(this WebApplicationBuilder builder)
    {
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<CongestionService>();
        builder.Services.AddSingleton<HistoryRetention>();
        builder.Services.AddHostedService<DemoHistorySeeder>();
        builder.Services.AddQuartz(quartz => quartz.ScheduleJob<HistoryRetentionJob>(
            trigger => trigger.WithIdentity("history-retention", "history")
                .WithCronSchedule("0 40 3 * * ?", cron => cron.InTimeZone(Tokyo.Zone)),
            job => job.WithIdentity(HistoryRetentionJob.Key)));
        return builder;
    }

    public static WebApplication MapHistoryApi(this WebApplication app)
    {
        var staff = app.MapGroup("/api").WithTags("Visit history").RequireAuthorization(IdentityApi.StaffPolicy);
        staff.MapGet("/tickets/{ticketId}/journey", JourneyAsync);
        staff.MapGet("/offices/{officeId}/journeys", FindJourneyAsync);
        staff.MapGet("/offices/{officeId}/processing", DeskAsync);
        app.MapCongestionApi();
        app.MapReportApi();
        return app;
    }

    /// <summary>A ticket's journey: every event of its visit, in order, with its end-to-end time (404 if the history has none).</summary>
    private static async Task<Ok<VisitJourney>> JourneyAsync(string ticketId, IVisitHistory history, CancellationToken cancellationToken)
    {
        if (TicketId.IssuingLine(ticketId) is not { } line) throw QueueRuleException.NotFound(ProblemCodes.TicketNotFound, "No such ticket.");
        var journey = VisitJourney.From(await history.ReadVisitAsync(line.OfficeId, line.Day, ticketId, cancellationToken))
                      ?? throw QueueRuleException.NotFound(ProblemCodes.TicketNotFound, "The history has nothing for this ticket.");
        return TypedResults.Ok(journey);
    }

    /// <summary>A ticket's journey by its number on a day (the number staff see on the paper ticket), today by default.</summary>
    private static async Task<Ok<VisitJourney>> FindJourneyAsync(string officeId, string? number, string? date, OfficeCatalog catalog,
        IVisitHistory history, TimeProvider time, CancellationToken cancellationToken)
    {
        var office = await catalog.RequireAsync(officeId);
        if (string.IsNullOrWhiteSpace(number) || number.Length > 20) throw Validate.Invalid("'number' is required: a ticket number such as A-007.");
        var day = ReportApi.Day(date, "date", time);
        var wanted = number.Trim().ToUpperInvariant();
        var events = await history.ReadAsync(office.Id, day, day, cancellationToken: cancellationToken);
        var visitId = events.LastOrDefault(e => e.Number is { } n && string.Equals(n, wanted, StringComparison.OrdinalIgnoreCase) && e.VisitId is not null)?.VisitId
                      ?? throw QueueRuleException.NotFound(ProblemCodes.TicketNotFound, $"No ticket {wanted} on {day:yyyy-MM-dd}.");
        return TypedResults.Ok(VisitJourney.From(events.Where(e => e.VisitId == visitId).ToList())!);
    }

    /// <summary>The processing desk: tickets being processed (the longest waiting first), ready ones, and ready ones nobody collected.</summary>
    private static async Task<Ok<DeskView>> DeskAsync(string officeId, OfficeCatalog catalog, TicketService tickets, TimeProvider time)
    {
        var office = await catalog.RequireAsync(officeId);
        var lists = await Task.WhenAll(office.Services.Where(s => s.Steps.Any(step => step.Kind == CounterQueue.Domain.Offices.StepKind.Processing))
            .Select(s => tickets.Line(office.Id, s.Id).ListDeskAsync()));
        var now = time.GetUtcNow();
        var all = lists.SelectMany(l => l).Select(d => (d.Stage, Entry: new DeskEntry(d.Ticket.TicketId, d.Ticket.Number, d.Ticket.ServiceId, d.Ticket.ServiceName,
            d.Ticket.Step, d.Since, (int)Math.Max(0, (now - d.Since).TotalMinutes), d.Recalled))).ToList();
        List<DeskEntry> Stage(string stage) => all.Where(a => a.Stage == stage).Select(a => a.Entry).OrderBy(e => e.Since).ToList();
        return TypedResults.Ok(new DeskView(Stage("processing"), Stage("ready"), Stage("uncollected")));
    }
}

/// <summary>Deletes visit history older than <see cref="CounterQueue.Silo.Infrastructure.QueueOptions.HistoryRetentionDays"/>.</summary>
/// <remarks>
/// Also the audit log's, older than <see cref="CounterQueue.Silo.Infrastructure.QueueOptions.AuditRetentionDays"/>, and past
/// temporary-counter schedules (<see cref="CounterQueue.Silo.Infrastructure.QueueOptions.TemporaryScheduleRetentionDays"/>),
/// and the stored states past their retention (<see cref="CounterQueue.Silo.Infrastructure.StateRetentionPolicy"/>: past days'
/// lines and bookings, spent Idempotency-Keys).
/// </remarks>
public sealed class HistoryRetention(IVisitHistory history, CounterQueue.Silo.Audit.IAuditLog audit, IGrainFactory grains, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<CounterQueue.Silo.Infrastructure.QueueOptions> options, IServiceProvider services, ILogger<HistoryRetention> logger)
{
    public async Task<long> RunAsync(CancellationToken cancellationToken = default)
    {
        var before = Tokyo.DateOf(time.GetUtcNow()).AddDays(-options.Value.HistoryRetentionDays);
        var deleted = await history.PruneAsync(before, cancellationToken);
        logger.LogInformation("Deleted {Count} visit events of days before {Before:yyyy-MM-dd}", deleted, before);
        var auditBefore = time.GetUtcNow().AddDays(-options.Value.AuditRetentionDays);
        var audited = await audit.PruneAsync(auditBefore, cancellationToken);
        logger.LogInformation("Deleted {Count} audit entries before {Before:O}", audited, auditBefore);
        await grains.GetGrain<CounterQueue.Silo.TemporaryCounters.ITemporaryCounterRegistryGrain>(CounterQueue.Silo.TemporaryCounters.ITemporaryCounterRegistryGrain.Key).PruneAsync();
        // Past days' lines and bookings, spent Idempotency-Keys (CounterQueue.Silo.Infrastructure.StateRetentionPolicy).
        if (services.GetKeyedService<Orleans.Storage.IGrainStorage>(CounterQueue.Silo.StorageNames.Queue) is CounterQueue.Silo.Storage.IExpiredStatePruner pruner)
        {
            var states = await pruner.PruneExpiredAsync(time.GetUtcNow(), cancellationToken);
            logger.LogInformation("Deleted {Count} stored states past their retention", states);
        }
        return deleted;
    }
}

/// <summary>Every night at 03:40 Japan time (persistent: a missed night runs at the next start).</summary>
[DisallowConcurrentExecution]
public sealed class HistoryRetentionJob(HistoryRetention retention) : IJob
{
    public static readonly JobKey Key = new("history-retention", "history");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await retention.RunAsync(cancellationToken);
}

using CounterQueue.Domain.Calendar;
using CounterQueue.Silo.Storage;
using CounterQueue.Web.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Quartz;

namespace CounterQueue.Web.Operations;

/// <summary>
/// Backups of the embedded store (<see cref="StoreBackups"/>): every night at 03:50 Japan time, after the nightly deletions,
/// and whenever an administrator asks (<c>POST /api/admin/backups</c>); <c>GET /api/admin/backups</c> lists them.
/// </summary>
public static class BackupApi
{
    public static WebApplicationBuilder AddBackups(this WebApplicationBuilder builder)
    {
        builder.Services.AddQuartz(quartz => quartz.ScheduleJob<BackupJob>(
            trigger => trigger.WithIdentity(BackupJob.TriggerKey)
                .WithCronSchedule("0 50 3 * * ?", cron => cron.InTimeZone(Tokyo.Zone)),
            job => job.WithIdentity(BackupJob.Key)));
        return builder;
    }

    public static WebApplication MapBackupApi(this WebApplication app)
    {
        var admin = app.MapGroup("/api/admin/backups").WithTags("Operations").RequireAuthorization(IdentityApi.AdminPolicy);
        admin.MapGet("", (StoreBackups backups) => TypedResults.Ok(backups.List()));
        admin.MapPost("", TakeAsync);
        return app;
    }

    /// <summary>Takes a backup now (a few seconds for a large store; visitors and staff go on meanwhile).</summary>
    private static async Task<Created<BackupInfo>> TakeAsync(StoreBackups backups, CancellationToken cancellationToken)
    {
        var backup = await backups.TakeAsync(cancellationToken);
        return TypedResults.Created((string?)null, backup);
    }
}

/// <summary>Every night at 03:50 Japan time (persistent: a missed night runs at the next start). Not in cluster mode.</summary>
[DisallowConcurrentExecution]
public sealed class BackupJob(StoreBackups backups, IServiceProvider services) : IJob
{
    public static readonly JobKey Key = new("store-backup", "operations");
    public static readonly TriggerKey TriggerKey = new("store-backup", "operations");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (services.GetService<SqliteStore>() is null) return; // cluster mode: PostgreSQL is backed up by its own means
        await backups.TakeAsync(cancellationToken);
    }
}

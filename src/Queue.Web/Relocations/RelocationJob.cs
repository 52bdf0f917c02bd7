using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Offices;
using Quartz;

namespace CounterQueue.Web.Relocations;

/// <summary>Fires at a move's effective time (or as soon as the app is back, if it was down then).</summary>
[DisallowConcurrentExecution]
public sealed class RelocationJob(RelocationOperator relocations, ILogger<RelocationJob> logger) : IJob
{
    public static readonly JobKey Key = new("relocation", "relocations");
    public const string OfficeIdKey = "officeId";
    public const string RelocationIdKey = "relocationId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var officeId = context.MergedJobDataMap.GetString(OfficeIdKey);
        var relocationId = context.MergedJobDataMap.GetString(RelocationIdKey);
        if (string.IsNullOrEmpty(officeId) || string.IsNullOrEmpty(relocationId)) return;
        var applied = await relocations.ApplyAsync(officeId, relocationId);
        logger.LogInformation("Relocation {RelocationId} at {OfficeId}: trigger fired, applied={Applied}", relocationId, officeId, applied);
    }
}

/// <summary>One Quartz trigger per move at its effective time; a move in the past is applied at once.</summary>
public sealed class RelocationScheduler(ISchedulerFactory factory, RelocationOperator relocations, TimeProvider time)
{
    private const string Group = "relocations";

    private static TriggerKey KeyFor(string officeId, string relocationId) => new($"{officeId}:{relocationId}", Group);

    public async Task ScheduleAsync(string officeId, Relocation move, CancellationToken cancellationToken = default)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        var key = KeyFor(officeId, move.Id);
        if (move.EffectiveFrom <= time.GetUtcNow())
        {
            await scheduler.UnscheduleJob(key, cancellationToken);
            await relocations.ApplyAsync(officeId, move.Id);
            return;
        }
        var trigger = TriggerBuilder.Create()
            .WithIdentity(key)
            .ForJob(RelocationJob.Key)
            .UsingJobData(RelocationJob.OfficeIdKey, officeId)
            .UsingJobData(RelocationJob.RelocationIdKey, move.Id)
            .StartAt(move.EffectiveFrom)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        // Replacing in one step: hosts of a cluster starting together each schedule the same moves.
        await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, cancellationToken);
    }

    public async Task UnscheduleAsync(string officeId, string relocationId, CancellationToken cancellationToken = default) =>
        await (await factory.GetScheduler(cancellationToken)).UnscheduleJob(KeyFor(officeId, relocationId), cancellationToken);
}

/// <summary>At start-up: every office's future moves have their trigger (the demo data's, and any the store lost).</summary>
public sealed class RelocationStartup(OfficeCatalog catalog, RelocationScheduler scheduler, TimeProvider time, ILogger<RelocationStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var office in await catalog.ListAsync())
        {
            foreach (var move in office.Relocations.Where(r => r.EffectiveFrom > time.GetUtcNow()))
            {
                await scheduler.ScheduleAsync(office.Id, move, cancellationToken);
                count++;
            }
        }
        logger.LogInformation("Relocations: {Count} future moves scheduled at start-up", count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

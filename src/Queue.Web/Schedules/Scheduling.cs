using CounterQueue.Silo;
using CounterQueue.Domain.TemporaryCounters;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.TemporaryCounters;
using Microsoft.Extensions.Options;
using Quartz;

namespace CounterQueue.Web.Schedules;

public static class SchedulingExtensions
{
    /// <summary>
    /// Quartz.NET with a persistent job store (SQLite in the data folder, next to the embedded grain store),
    /// Asia/Tokyo triggers, and the jobs that open and close temporary counters (臨時窓口).
    /// </summary>
    public static WebApplicationBuilder AddScheduling(this WebApplicationBuilder builder)
    {
        var options = builder.GetQueueOptions();
        builder.Services.AddQuartz(quartz =>
        {
            quartz.UsePersistentStore(store =>
            {
                if (options.IsClusterMode)
                {
                    // Cluster mode: every node shares the job store, and clustering makes exactly one fire each trigger.
                    store.UsePostgres(Npgsql.NpgsqlFactory.Instance, options.PostgreSql!);
                    store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(5));
                }
                else
                {
                    var dataDirectory = options.DataDirectoryPath;
                    Directory.CreateDirectory(dataDirectory);
                    store.UseSqlite($"Data Source={Path.Combine(dataDirectory, "scheduler.db")}");
                }
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
            });
            quartz.ConfigureScheduler(s =>
            {
                s.InstanceName = "CounterQueue";
                s.InstanceId = $"{Environment.MachineName}-{options.SiloPort}"; // unique per node of a cluster
                s.DefaultTimeZone = CounterQueue.Domain.Calendar.Tokyo.Zone; // the offices' zone, whatever the server's
            });
            quartz.AddJob<TemporaryCounterJob>(job => job.WithIdentity(TemporaryCounterJob.Key).StoreDurably());
        });
        // Jobs start once the app (and its silo) is up; a stop waits for a running job to finish.
        builder.Services.AddQuartzHostedService(o => { o.WaitForJobsToComplete = true; o.AwaitApplicationStarted = true; });
        builder.Services.AddSingleton<TemporaryCounterScheduler>();
        builder.Services.AddHostedService<TemporaryCounterStartup>();
        return builder;
    }
}

/// <summary>
/// The job behind every temporary-counter trigger: it brings the counter to what its schedule says now
/// (<see cref="TemporaryCounterOperator"/>), so a late (misfired) or repeated fire is harmless. A counter
/// whose session ended with visitors still waiting is checked again until its line is empty.
/// </summary>
[DisallowConcurrentExecution]
public sealed class TemporaryCounterJob(TemporaryCounterOperator counters, TemporaryCounterScheduler scheduler,
    IOptions<QueueOptions> options, ILogger<TemporaryCounterJob> logger) : IJob
{
    public static readonly JobKey Key = new("temporary-counter", "temporary-counters");
    public const string ScheduleIdKey = "scheduleId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var scheduleId = context.MergedJobDataMap.GetString(ScheduleIdKey);
        if (string.IsNullOrEmpty(scheduleId)) return;
        var outcome = await counters.ReconcileAsync(scheduleId);
        logger.LogInformation("Temporary counter {ScheduleId} reconciled at {Trigger}: open={Open}, closePending={Pending}",
            scheduleId, context.Trigger.Key.Name, outcome.Open, outcome.ClosePending);
        if (outcome.ClosePending) await scheduler.RetryCloseAsync(scheduleId, options.Value.TemporaryCloseRetry, cancellationToken);
    }
}

/// <summary>Keeps Quartz's triggers in step with the schedules: one at each session's start and end.</summary>
public sealed class TemporaryCounterScheduler(ISchedulerFactory factory, TimeProvider time)
{
    private const string Group = "temporary-counters";
    private const string RetryGroup = "temporary-counter-retries";

    private static TriggerKey TriggerKeyFor(string scheduleId, int index, string edge) => new($"{scheduleId}:{index}:{edge}", Group);

    public async Task EnsureTriggersAsync(TemporaryCounterSchedule schedule, CancellationToken cancellationToken = default)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        var now = time.GetUtcNow();
        for (var i = 0; i < schedule.Sessions.Count; i++)
        {
            var session = schedule.Sessions[i];
            foreach (var (edge, at) in new[] { ("open", session.StartsAt), ("close", session.EndsAt) })
            {
                if (at <= now) continue; // the start-up reconciliation covers what is already past
                var key = TriggerKeyFor(schedule.Id, i, edge);
                if (await scheduler.Exists(key, cancellationToken)) continue;
                var trigger = TriggerBuilder.Create()
                    .WithIdentity(key)
                    .ForJob(TemporaryCounterJob.Key)
                    .UsingJobData(TemporaryCounterJob.ScheduleIdKey, schedule.Id)
                    .StartAt(at)
                    // Down at that moment? Fire as soon as the scheduler is back.
                    .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
                    .Build();
                await scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken);
            }
        }
    }

    public async Task RemoveTriggersAsync(TemporaryCounterSchedule schedule, CancellationToken cancellationToken = default)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        var keys = Enumerable.Range(0, schedule.Sessions.Count)
            .SelectMany(i => new[] { TriggerKeyFor(schedule.Id, i, "open"), TriggerKeyFor(schedule.Id, i, "close") })
            .ToList();
        var retries = await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(RetryGroup), cancellationToken);
        keys.AddRange(retries.Where(k => k.Name.StartsWith($"{schedule.Id}:", StringComparison.Ordinal)));
        await scheduler.UnscheduleJobs(keys, cancellationToken);
    }

    /// <summary>
    /// One more check after a while. Each retry is a new one-shot trigger (the one firing now is deleted by
    /// Quartz when its job returns, so it cannot be rescheduled from inside that job).
    /// </summary>
    public async Task RetryCloseAsync(string scheduleId, TimeSpan after, CancellationToken cancellationToken = default)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        var trigger = TriggerBuilder.Create()
            .WithIdentity(new TriggerKey($"{scheduleId}:retry:{Guid.NewGuid():N}", RetryGroup))
            .ForJob(TemporaryCounterJob.Key)
            .UsingJobData(TemporaryCounterJob.ScheduleIdKey, scheduleId)
            .StartAt(time.GetUtcNow() + after)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken);
    }
}

/// <summary>
/// At start-up, after the silo and the seeding: every schedule's counter is brought to what the clock says
/// (a process that was down across a start opens the counter, across an end closes it) and its future
/// triggers are made sure of.
/// </summary>
public sealed class TemporaryCounterStartup(IGrainFactory grains, TemporaryCounterOperator counters,
    TemporaryCounterScheduler scheduler, IOptions<QueueOptions> options, ILogger<TemporaryCounterStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var schedules = await grains.GetGrain<ITemporaryCounterRegistryGrain>(ITemporaryCounterRegistryGrain.Key).ListAsync();
        foreach (var schedule in schedules)
        {
            try
            {
                var outcome = await counters.ReconcileAsync(schedule, cancelled: false);
                if (outcome.ClosePending) await scheduler.RetryCloseAsync(schedule.Id, options.Value.TemporaryCloseRetry, cancellationToken);
                if (!schedule.Cancelled) await scheduler.EnsureTriggersAsync(schedule, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Temporary counter {ScheduleId} could not be brought up to date at start-up", schedule.Id);
            }
        }
        logger.LogInformation("Temporary counters: {Count} schedules checked at start-up", schedules.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.TemporaryCounters;
using Microsoft.Extensions.Options;
using Quartz;

namespace CounterQueue.Web.TemporaryCounters;

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

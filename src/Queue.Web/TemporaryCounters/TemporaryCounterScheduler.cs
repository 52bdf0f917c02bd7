using CounterQueue.Domain.TemporaryCounters;
using Microsoft.Extensions.Options;
using Quartz;

namespace CounterQueue.Web.TemporaryCounters;

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
                try
                {
                    await scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken);
                }
                catch (ObjectAlreadyExistsException)
                {
                    // Another host of the cluster stored the same trigger since the check: it stands.
                }
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

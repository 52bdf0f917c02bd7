using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CounterQueue.Tests.Support;

/// <summary>
/// An explicit signal from Quartz: counts the runs of the temporary-counter job per schedule, so a test that moved
/// the clock past a trigger waits for that run to have finished, not for some time to pass.
/// </summary>
public sealed class JobRuns : IJobListener
{
    private readonly Dictionary<string, int> _runs = [];
    private readonly List<(string ScheduleId, int Count, TaskCompletionSource Done)> _waiters = [];

    public string Name { get; } = $"test-job-runs-{Guid.NewGuid():N}";

    public static async Task<JobRuns> AttachAsync(IServiceProvider services)
    {
        var runs = new JobRuns();
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        scheduler.ListenerManager.AddJobListener(runs);
        return runs;
    }

    public int Count(string scheduleId)
    {
        lock (_runs) return _runs.GetValueOrDefault(scheduleId);
    }

    /// <summary>Completes once the schedule's job has finished <paramref name="count"/> runs in all.</summary>
    public Task WaitForAsync(string scheduleId, int count)
    {
        lock (_runs)
        {
            if (_runs.GetValueOrDefault(scheduleId) >= count) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((scheduleId, count, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        // A temporary counter's schedule, or a relocation (both jobs name what they act on).
        if ((context.MergedJobDataMap.GetString("scheduleId") ?? context.MergedJobDataMap.GetString("relocationId")) is not { } scheduleId) return ValueTask.CompletedTask;
        lock (_runs)
        {
            var count = _runs[scheduleId] = _runs.GetValueOrDefault(scheduleId) + 1;
            foreach (var waiter in _waiters.Where(w => w.ScheduleId == scheduleId && w.Count <= count).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

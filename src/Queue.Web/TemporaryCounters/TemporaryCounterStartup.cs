using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.TemporaryCounters;
using Microsoft.Extensions.Options;
using Quartz;

namespace CounterQueue.Web.TemporaryCounters;

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

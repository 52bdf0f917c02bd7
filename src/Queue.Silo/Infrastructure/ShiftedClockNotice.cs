using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CounterQueue.Silo.Infrastructure;

/// <summary>Says loudly at start-up that the clock is not the machine's (Queue:ClockStartsAt).</summary>
public sealed class ShiftedClockNotice(TimeProvider time, ILogger<ShiftedClockNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("Simulated clock (Queue:ClockStartsAt): it is now {Now:yyyy-MM-dd HH:mm:ss zzz} for this host, not the machine's time",
            CounterQueue.Domain.Calendar.Tokyo.ToLocal(time.GetUtcNow()));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

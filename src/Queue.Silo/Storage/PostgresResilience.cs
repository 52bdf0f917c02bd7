using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Polly;
using Polly.Retry;
using Polly.Simmy;
using Polly.Simmy.Fault;
using Polly.Simmy.Latency;
using Polly.Timeout;

namespace CounterQueue.Silo.Storage;

/// <summary>
/// How cluster mode talks to PostgreSQL across the network (Polly, through Microsoft.Extensions.Resilience):
/// transient failures — a dropped connection, a fail-over, a busy server — are retried with backoff, and no
/// call waits forever. Only what is safe to repeat is retried: reads, and opening a connection. A write is
/// sent once; if its answer is lost, the ETag check of the next write tells the truth.
/// </summary>
public static class PostgresResilience
{
    public const string Pipeline = "counterqueue-postgres";

    /// <summary>Registers the pipeline once, however many of the PostgreSQL providers ask for it.</summary>
    public static IServiceCollection AddPostgresResilience(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(Registered))) return services;
        services.AddSingleton<Registered>();
        services.AddSingleton(sp => new PostgresChaos(sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()));
        services.AddResiliencePipeline(Pipeline, (builder, context) =>
        {
            var chaos = context.ServiceProvider.GetRequiredService<PostgresChaos>();
            // Backoff and timeouts of network calls run on real elapsed time, not on the queue's business clock (the
            // TimeProvider in the container, which demonstrations shift and tests move by hours).
            builder.TimeProvider = TimeProvider.System;
            builder
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient).Handle<TimeoutRejectedException>(),
                    MaxRetryAttempts = 4,
                    Delay = TimeSpan.FromMilliseconds(100),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                })
                .AddTimeout(TimeSpan.FromSeconds(10))
                // Innermost, so the retry and the timeout above see what they inject (PostgresChaos: off unless set).
                .AddChaosLatency(new ChaosLatencyStrategyOptions
                {
                    EnabledGenerator = _ => ValueTask.FromResult(chaos.LatencyRate > 0),
                    InjectionRateGenerator = _ => ValueTask.FromResult(chaos.LatencyRate),
                    LatencyGenerator = _ => ValueTask.FromResult(chaos.Latency),
                })
                .AddChaosFault(new ChaosFaultStrategyOptions
                {
                    EnabledGenerator = _ => ValueTask.FromResult(chaos.FaultRate > 0),
                    InjectionRateGenerator = _ => ValueTask.FromResult(chaos.FaultRate),
                    FaultGenerator = _ => ValueTask.FromResult<Exception?>(new NpgsqlException("Injected database failure (Queue:Chaos)")),
                });
        });
        return services;
    }

    private sealed class Registered;
}

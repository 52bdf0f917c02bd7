using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CounterQueue.Web.Operations;

public static class HealthChecks
{
    private const string Ready = "ready";

    public static IServiceCollection AddQueueHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [Ready])
            .AddCheck<ClusterHealthCheck>("cluster", tags: [Ready]);
        return services;
    }

    /// <summary>/health/live answers while the process runs; /health/ready only when the cluster and storage answer.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready) });
        return app;
    }
}

/// <summary>The grains' store answers: the embedded SQLite file, or PostgreSQL in cluster mode.</summary>
internal sealed class StorageHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var postgres = services.GetService<NpgsqlDataSource>();
        try
        {
            if (postgres is not null)
            {
                await using var command = postgres.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                return HealthCheckResult.Healthy("PostgreSQL answers.");
            }
            await services.GetRequiredService<SqliteStore>().PingAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy("The embedded store answers.");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy(postgres is null ? "The embedded store does not answer." : "PostgreSQL does not answer.", e);
        }
    }
}

internal sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IOfficeRegistryGrain>(IOfficeRegistryGrain.Key).ListAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy("Grains answer.");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The cluster does not answer.", e);
        }
    }
}

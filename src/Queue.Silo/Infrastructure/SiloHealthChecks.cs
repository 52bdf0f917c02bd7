using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CounterQueue.Silo.Infrastructure;

/// <summary>Tags of CounterQueue's health checks; /health/ready runs those tagged <see cref="Ready"/>.</summary>
public static class HealthTags
{
    public const string Ready = "ready";
}

/// <summary>The silo's readiness checks, registered where the silo and its storage are added.</summary>
internal static class SiloHealthChecks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Grains answer: the silo is up and (in cluster mode) part of a working cluster.</summary>
    public static IHealthChecksBuilder AddClusterCheck(this IHealthChecksBuilder health) =>
        health.AddProbe("cluster", "Grains answer.", "The cluster does not answer.",
            sp => _ => sp.GetRequiredService<IGrainFactory>().GetGrain<IOfficeRegistryGrain>(IOfficeRegistryGrain.Key).ListAsync());

    /// <summary>Cluster mode: this silo is an active member of the cluster, as the membership table says.</summary>
    public static IHealthChecksBuilder AddMembershipCheck(this IHealthChecksBuilder health) =>
        health.Add(new HealthCheckRegistration("membership", sp => new MembershipHealthCheck(
            sp.GetRequiredService<Orleans.Runtime.IClusterMembershipService>(), sp.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>()), null, [HealthTags.Ready]));

    private sealed class MembershipHealthCheck(Orleans.Runtime.IClusterMembershipService membership, Orleans.Runtime.ILocalSiloDetails silo) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var snapshot = membership.CurrentSnapshot;
            var status = snapshot.GetSiloStatus(silo.SiloAddress);
            var active = snapshot.Members.Values.Count(m => m.Status == Orleans.Runtime.SiloStatus.Active);
            return Task.FromResult(status == Orleans.Runtime.SiloStatus.Active
                ? HealthCheckResult.Healthy($"Active in the cluster, with {active} active hosts.")
                : HealthCheckResult.Unhealthy($"This host is {status} in the cluster."));
        }
    }

    /// <summary>The embedded store answers, and writes (one process, the default).</summary>
    public static IHealthChecksBuilder AddEmbeddedStoreCheck(this IHealthChecksBuilder health) =>
        health.Add(new HealthCheckRegistration("storage", sp => new EmbeddedStoreHealthCheck(sp.GetRequiredService<SqliteStore>()), null, [HealthTags.Ready]));

    /// <summary>
    /// Healthy when the store answers a read and its latest commit succeeded. After a failed commit (the disk full, an I/O
    /// error, a file system turned read-only) it tries a small write of its own, so the check recovers by itself once the
    /// store can write again, even with no visitor asking.
    /// </summary>
    private sealed class EmbeddedStoreHealthCheck(SqliteStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await store.PingAsync().WaitAsync(Timeout, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("The embedded store does not answer.", e);
            }
            if (store.LastCommitFailure is not { } failure) return HealthCheckResult.Healthy("The embedded store answers.");
            try
            {
                await store.ProbeWriteAsync().WaitAsync(Timeout, cancellationToken);
                return HealthCheckResult.Healthy("The embedded store answers and writes again.");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"The embedded store cannot write: {store.LastCommitFailure ?? failure}", e);
            }
        }
    }

    /// <summary>PostgreSQL answers (cluster mode).</summary>
    public static IHealthChecksBuilder AddPostgresCheck(this IHealthChecksBuilder health) =>
        health.AddProbe("storage", "PostgreSQL answers.", "PostgreSQL does not answer.", sp => async cancellationToken =>
        {
            await using var command = sp.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
        });

    private static IHealthChecksBuilder AddProbe(this IHealthChecksBuilder health, string name, string healthy, string unhealthy,
        Func<IServiceProvider, Func<CancellationToken, Task>> probe) =>
        health.Add(new HealthCheckRegistration(name, sp => new ProbeHealthCheck(probe(sp), healthy, unhealthy), null, [HealthTags.Ready]));

    /// <summary>Healthy when the probe answers within <see cref="Timeout"/>.</summary>
    private sealed class ProbeHealthCheck(Func<CancellationToken, Task> probe, string healthy, string unhealthy) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await probe(cancellationToken).WaitAsync(Timeout, cancellationToken);
                return HealthCheckResult.Healthy(healthy);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy(unhealthy, e);
            }
        }
    }
}

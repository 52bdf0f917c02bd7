using CounterQueue.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Polly.Registry;

namespace CounterQueue.Silo.Clustering;

/// <summary>Where the membership table lives (cluster mode), as Orleans' clustering providers take their options.</summary>
public sealed class PostgresClusteringOptions
{
    /// <summary>The database, as a data source the host already has (preferred: one pool per host)…</summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>…or a connection string, for which a data source is made.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>Checked when the silo starts, as Orleans checks its own providers' options: one sentence per mistake.</summary>
public sealed class PostgresClusteringOptionsValidator(IOptions<PostgresClusteringOptions> options) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var value = options.Value;
        if (value.DataSource is null && string.IsNullOrWhiteSpace(value.ConnectionString))
            throw new OrleansConfigurationException("PostgreSQL clustering needs a DataSource or a ConnectionString (Queue:PostgreSql).");
        if (value.DataSource is null)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(value.ConnectionString);
            }
            catch (ArgumentException e)
            {
                throw new OrleansConfigurationException($"PostgreSQL clustering: the connection string is not valid ({e.Message}).");
            }
        }
    }
}

public static class PostgresClusteringExtensions
{
    /// <summary>
    /// Cluster membership in PostgreSQL (<see cref="PostgresMembershipTable"/>), keyed by <see cref="ClusterOptions.ClusterId"/>,
    /// every call through the PostgreSQL resilience pipeline (<see cref="PostgresResilience"/>).
    /// </summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder silo, Action<PostgresClusteringOptions> configure)
    {
        silo.Services.Configure(configure);
        silo.Services.AddPostgresResilience();
        silo.Services.AddSingleton<IConfigurationValidator, PostgresClusteringOptionsValidator>();
        silo.Services.AddSingleton<IMembershipTable>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgresClusteringOptions>>().Value;
            return new PostgresMembershipTable(
                options.DataSource ?? NpgsqlDataSource.Create(options.ConnectionString!),
                sp.GetRequiredService<Serializer>(),
                sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId,
                sp.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(PostgresResilience.Pipeline));
        });
        return silo;
    }
}

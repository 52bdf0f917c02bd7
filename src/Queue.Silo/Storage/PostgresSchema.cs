using Npgsql;
using Polly;

namespace CounterQueue.Silo.Storage;

/// <summary>
/// A PostgreSQL provider's tables, made sure of once per instance before its first call: under a transaction-scoped
/// advisory lock (hosts starting together wait for each other, and see the tables once the first has committed),
/// through the resilience pipeline; a failed attempt is forgotten, so the next call tries again.
/// </summary>
public sealed class PostgresSchema(NpgsqlDataSource database, ResiliencePipeline resilience, long lockKey, string ddl)
{
    private readonly Lock _lock = new();
    private Task? _done;

    public Task EnsureAsync()
    {
        lock (_lock)
        {
            if (_done is { IsFaulted: false, IsCanceled: false }) return _done;
            return _done = resilience.ExecuteAsync(ct => new ValueTask(CreateAsync(database, lockKey, ddl, ct))).AsTask();
        }
    }

    /// <summary>Creates the tables if missing, now (safe to run on every start, from every host).</summary>
    public static async Task CreateAsync(NpgsqlDataSource database, long lockKey, string ddl, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand($"SELECT pg_advisory_xact_lock({lockKey}); {ddl}");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

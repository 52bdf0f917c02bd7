using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Npgsql;
using NpgsqlTypes;
using Polly;
using Orleans.Runtime;
using Orleans.Storage;

namespace CounterQueue.Silo.Storage;

/// <summary>
/// Orleans grain storage on PostgreSQL for cluster mode, with the same contract as the embedded store
/// (<see cref="SqliteGrainStorage"/>): the ETag is the row's version; a write from a stale ETag fails
/// with <see cref="InconsistentStateException"/>; clearing leaves a tombstone so an old ETag never
/// matches again. Each write is one statement that checks and bumps the version atomically, so silos
/// on different machines cannot both win.
/// </summary>
/// <remarks>Each write records when the state may be deleted (<see cref="IStateExpiry"/>); <see cref="PruneExpiredAsync"/> deletes those past it.</remarks>
public sealed class PostgresGrainStorage(string name, NpgsqlDataSource database, IGrainStorageSerializer serializer, ResiliencePipeline? resilience = null,
    IStateExpiry? expiry = null)
    : IGrainStorage, IRecordSetStorage, IExpiredStatePruner
{
    private const int PruneBatch = 50;
    private readonly IStateExpiry _expiry = expiry ?? KeepForever.Instance;

    public const string Schema = """
        CREATE TABLE IF NOT EXISTS cq_grain_state (
            state_name  text        NOT NULL,
            grain_id    text        NOT NULL,
            version     bigint      NOT NULL,
            data        bytea       NULL,
            updated_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (state_name, grain_id)
        );
        -- When the state may be deleted (retention), by the app's clock; NULL: kept.
        ALTER TABLE cq_grain_state ADD COLUMN IF NOT EXISTS expires_at timestamptz NULL;
        CREATE INDEX IF NOT EXISTS cq_grain_state_by_expiry ON cq_grain_state (expires_at) WHERE expires_at IS NOT NULL;
        CREATE TABLE IF NOT EXISTS cq_grain_record (
            state_name  text  NOT NULL,
            grain_id    text  NOT NULL,
            record_key  text  NOT NULL,
            data        bytea NOT NULL,
            PRIMARY KEY (state_name, grain_id, record_key)
        );
        """;

    public string Name { get; } = name;

    private readonly ResiliencePipeline _resilience = resilience ?? ResiliencePipeline.Empty;
    /// <summary>
    /// The tables are made sure of once, before the first read or write (never blocking a thread for it). A set-up that
    /// failed (the database down at start) is tried again by the next call, not remembered as failed for good.
    /// </summary>
    private readonly PostgresSchema _schema = new(database, resilience ?? ResiliencePipeline.Empty, 7310001, Schema);

    private Task EnsureSchemaOnceAsync() => _schema.EnsureAsync();

    /// <summary>Creates the table if it is missing (safe to run on every start, from every silo).</summary>
    public static Task EnsureSchemaAsync(NpgsqlDataSource database, CancellationToken cancellationToken = default) =>
        PostgresSchema.CreateAsync(database, 7310001, Schema, cancellationToken);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await EnsureSchemaOnceAsync();
        // A read is safe to repeat: the whole of it is retried on a transient failure.
        var (version, data) = await _resilience.ExecuteAsync(async ct =>
        {
            await using var command = database.CreateCommand("SELECT version, data FROM cq_grain_state WHERE state_name = $1 AND grain_id = $2");
            command.Parameters.AddWithValue(stateName);
            command.Parameters.AddWithValue(grainId.ToString());
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return ((long?)null, (byte[]?)null);
            return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1));
        });
        grainState.ETag = Format(version); // a tombstone (no data) keeps the version counting
        if (data is not null)
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(data));
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.Serialize(grainState.State).ToArray();
        grainState.ETag = Format(await WriteAsync(stateName, grainId, data, grainState.ETag, expiresAt: _expiry.ExpiresAt(stateName, grainId, grainState.State)));
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null) grainState.ETag = Format(await WriteAsync(stateName, grainId, null, grainState.ETag));
        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }

    public async Task<RecordSet> ReadRecordSetAsync(string stateName, GrainId grainId)
    {
        await EnsureSchemaOnceAsync();
        // Header and records in one snapshot (repeatable read); safe to repeat, so retried on a transient failure.
        return await _resilience.ExecuteAsync(async ct =>
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            long? version = null;
            byte[]? header = null;
            await using (var command = new NpgsqlCommand("SELECT version, data FROM cq_grain_state WHERE state_name = $1 AND grain_id = $2", connection, transaction))
            {
                command.Parameters.AddWithValue(stateName);
                command.Parameters.AddWithValue(grainId.ToString());
                await using var reader = await command.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct)) (version, header) = (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1));
            }
            var records = new List<byte[]>();
            await using (var command = new NpgsqlCommand("SELECT data FROM cq_grain_record WHERE state_name = $1 AND grain_id = $2", connection, transaction))
            {
                command.Parameters.AddWithValue(stateName);
                command.Parameters.AddWithValue(grainId.ToString());
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) records.Add(reader.GetFieldValue<byte[]>(0));
            }
            await transaction.CommitAsync(ct);
            return new RecordSet(header, Format(version), records);
        });
    }

    public async Task<string> WriteRecordSetAsync(string stateName, GrainId grainId, byte[] header,
        IReadOnlyList<KeyValuePair<string, byte[]>> records, string? etag, IReadOnlyList<CounterQueue.Domain.History.VisitEvent>? history = null)
    {
        // Writes here are not ordered (NextETagIfOrdered is null): callers append their events to the history themselves.
        if (history is { Count: > 0 }) throw new NotSupportedException("PostgreSQL grain storage does not append history with a write.");
        return Format(await WriteAsync(stateName, grainId, header, etag, records, _expiry.ExpiresAt(stateName, grainId, null)))!;
    }

    /// <summary>Deletes expired states and their records, <see cref="PruneBatch"/> at a time (short transactions; rows being written are skipped).</summary>
    public async Task<long> PruneExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaOnceAsync();
        long total = 0;
        while (true)
        {
            var deleted = await _resilience.ExecuteAsync(async ct =>
            {
                await using var command = database.CreateCommand("""
                    WITH doomed AS (
                        SELECT state_name, grain_id FROM cq_grain_state WHERE expires_at < $1
                        ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
                    ), records AS (
                        DELETE FROM cq_grain_record r USING doomed d WHERE r.state_name = d.state_name AND r.grain_id = d.grain_id
                    )
                    DELETE FROM cq_grain_state s USING doomed d WHERE s.state_name = d.state_name AND s.grain_id = d.grain_id
                    """);
                command.Parameters.AddWithValue(now.ToUniversalTime());
                command.Parameters.AddWithValue(PruneBatch);
                return await command.ExecuteNonQueryAsync(ct);
            }, cancellationToken); // safe to repeat: a retry deletes what is still expired
            total += deleted;
            if (deleted < PruneBatch) return total;
        }
    }

    /// <summary>Writes run on pooled connections and may overtake each other: not ordered.</summary>
    public string? NextETagIfOrdered(string? etag) => null;

    private async Task<long> WriteAsync(string stateName, GrainId grainId, byte[]? data, string? etag,
        IReadOnlyList<KeyValuePair<string, byte[]>>? records = null, DateTimeOffset? expiresAt = null)
    {
        await EnsureSchemaOnceAsync();
        var key = grainId.ToString();
        long? stored;
        // Getting a connection is retried; the statements themselves are sent once.
        await using var connection = await _resilience.ExecuteAsync(ct => database.OpenConnectionAsync(ct));
        await using var transaction = records is { Count: > 0 } ? await connection.BeginTransactionAsync() : null;
        async Task<long> WithRecordsAsync(long version)
        {
            if (transaction is null) return version;
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO cq_grain_record (state_name, grain_id, record_key, data)
                SELECT $1, $2, k, d FROM unnest($3::text[], $4::bytea[]) AS r(k, d)
                ON CONFLICT (state_name, grain_id, record_key) DO UPDATE SET data = excluded.data
                """, connection, transaction);
            upsert.Parameters.AddWithValue(stateName);
            upsert.Parameters.AddWithValue(key);
            upsert.Parameters.AddWithValue(records!.Select(r => r.Key).ToArray());
            upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = records!.Select(r => r.Value).ToArray() });
            await upsert.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            return version;
        }
        if (etag is null)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO cq_grain_state (state_name, grain_id, version, data, expires_at) VALUES ($1, $2, 1, $3, $4)
                ON CONFLICT (state_name, grain_id) DO NOTHING RETURNING version
                """, connection, transaction);
            insert.Parameters.AddWithValue(stateName);
            insert.Parameters.AddWithValue(key);
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)data ?? DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)expiresAt?.ToUniversalTime() ?? DBNull.Value });
            if (await insert.ExecuteScalarAsync() is long created) return await WithRecordsAsync(created);
        }
        else
        {
            var expected = long.Parse(etag, CultureInfo.InvariantCulture);
            await using var update = new NpgsqlCommand("""
                UPDATE cq_grain_state SET version = version + 1, data = $4, updated_at = now(), expires_at = $5
                WHERE state_name = $1 AND grain_id = $2 AND version = $3 RETURNING version
                """, connection, transaction);
            update.Parameters.AddWithValue(stateName);
            update.Parameters.AddWithValue(key);
            update.Parameters.AddWithValue(expected);
            update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)data ?? DBNull.Value });
            update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)expiresAt?.ToUniversalTime() ?? DBNull.Value });
            if (await update.ExecuteScalarAsync() is long next) return await WithRecordsAsync(next);
        }
        await using (var read = new NpgsqlCommand("SELECT version FROM cq_grain_state WHERE state_name = $1 AND grain_id = $2", connection, transaction))
        {
            read.Parameters.AddWithValue(stateName);
            read.Parameters.AddWithValue(key);
            stored = await read.ExecuteScalarAsync() as long?;
        }
        throw new InconsistentStateException(
            $"The stored version of {stateName}/{key} is {Format(stored) ?? "absent"}, not {etag ?? "absent"}.", Format(stored), etag);
    }

    private static string? Format(long? version) => version?.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Where a PostgreSQL grain storage keeps its states, as Orleans' storage providers take their options.</summary>
public sealed class PostgresGrainStorageOptions
{
    /// <summary>The database, as a data source the host already has (preferred: one pool per host)…</summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>…or a connection string, for which a data source is made.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>When a state may be deleted (retention); unset, states are kept.</summary>
    public IStateExpiry? Expiry { get; set; }
}

public static class PostgresGrainStorageExtensions
{
    /// <summary>
    /// A grain storage named <paramref name="name"/> on PostgreSQL (<see cref="PostgresGrainStorage"/>): personal data
    /// sealed with the host's Data Protection key ring, calls through the PostgreSQL resilience pipeline. The options are
    /// checked when the storage is first made: a missing or malformed database fails the silo's start with one sentence.
    /// </summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder silo, string name, Action<PostgresGrainStorageOptions> configure)
    {
        silo.Services.AddPostgresResilience();
        silo.Services.AddOptions<PostgresGrainStorageOptions>(name).Configure(configure)
            .Validate(o => o.DataSource is not null || IsConnectionString(o.ConnectionString),
                $"Grain storage '{name}' needs a PostgreSQL DataSource or a valid ConnectionString.");
        silo.Services.AddGrainStorage(name, (sp, storageName) =>
        {
            var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<PostgresGrainStorageOptions>>().Get(storageName);
            return new PostgresGrainStorage(storageName, options.DataSource ?? NpgsqlDataSource.Create(options.ConnectionString!),
                new StateJsonSerializer(Privacy.PersonalDataProtection.PersonalDataProtector(sp)),
                sp.GetRequiredService<Polly.Registry.ResiliencePipelineProvider<string>>().GetPipeline(PostgresResilience.Pipeline),
                options.Expiry ?? sp.GetService<IStateExpiry>());
        });
        return silo;
    }

    private static bool IsConnectionString(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        try
        {
            _ = new NpgsqlConnectionStringBuilder(text);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

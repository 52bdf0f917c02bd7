using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CounterQueue.Silo.Storage;

/// <summary>A write that lost an optimistic-concurrency race: the stored version is not the one expected.</summary>
public sealed class VersionConflictException(string stateName, string grainId, long? expected, long? stored)
    : Exception($"State '{stateName}' of {grainId} is at version {stored?.ToString() ?? "none"}, not {expected?.ToString() ?? "none"}.")
{
    public long? Expected { get; } = expected;
    public long? Stored { get; } = stored;
}

/// <summary>A stored row: the payload is null when the state was cleared (a tombstone keeps its version).</summary>
public readonly record struct StoredState(byte[]? Data, long Version);

/// <summary>
/// The embedded durable store: one SQLite file in WAL mode with synchronous=FULL. Reads run on
/// pooled connections in parallel; writes go to one writer thread that commits every write
/// waiting at that moment in a single transaction (group commit), so many grains writing at
/// once share one fsync, and a write is acknowledged only after its transaction is durable.
/// </summary>
public sealed class SqliteStore : IDisposable
{
    private const int MaxBatch = 512;
    private readonly string _connectionString;
    private readonly BlockingCollection<WriteOp> _queue = new();
    private readonly Thread _writer;
    private readonly ILogger _logger;
    private readonly SqliteConnection _writeConnection;

    public SqliteStore(string databasePath, ILogger<SqliteStore> logger)
    {
        _logger = logger;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _writeConnection = new SqliteConnection(_connectionString);
        _writeConnection.Open();
        Execute(_writeConnection, """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            PRAGMA busy_timeout=30000;
            CREATE TABLE IF NOT EXISTS grain_state (
                state_name TEXT NOT NULL,
                grain_id   TEXT NOT NULL,
                version    INTEGER NOT NULL,
                data       BLOB NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (state_name, grain_id)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS grain_record (
                state_name TEXT NOT NULL,
                grain_id   TEXT NOT NULL,
                record_key TEXT NOT NULL,
                data       BLOB NOT NULL,
                PRIMARY KEY (state_name, grain_id, record_key)
            ) WITHOUT ROWID;
            """);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "sqlite-group-commit" };
        _writer.Start();
        _logger.LogInformation("Embedded store open at {DatabasePath}", DatabasePath);
    }

    public string DatabasePath { get; }

    /// <summary>Transactions committed so far; with <see cref="WritesCommitted"/> it shows how well writes are grouped.</summary>
    public long Commits => Interlocked.Read(ref _commits);
    public long WritesCommitted => Interlocked.Read(ref _writesCommitted);
    private long _commits;
    private long _writesCommitted;

    public Task<StoredState?> ReadAsync(string stateName, string grainId) => Task.Run(() => Read(stateName, grainId));

    private StoredState? Read(string stateName, string grainId)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data, version FROM grain_state WHERE state_name = $s AND grain_id = $g";
        command.Parameters.AddWithValue("$s", stateName);
        command.Parameters.AddWithValue("$g", grainId);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        var data = reader.IsDBNull(0) ? null : (byte[])reader[0];
        return new StoredState(data, reader.GetInt64(1));
    }

    /// <summary>A state's header row and all its records, read in one transaction (one consistent snapshot).</summary>
    public Task<(StoredState? Header, List<byte[]> Records)> ReadWithRecordsAsync(string stateName, string grainId) => Task.Run(() =>
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        StoredState? header = null;
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT data, version FROM grain_state WHERE state_name = $s AND grain_id = $g";
            command.Parameters.AddWithValue("$s", stateName);
            command.Parameters.AddWithValue("$g", grainId);
            using var reader = command.ExecuteReader();
            if (reader.Read()) header = new StoredState(reader.IsDBNull(0) ? null : (byte[])reader[0], reader.GetInt64(1));
        }
        var records = new List<byte[]>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT data FROM grain_record WHERE state_name = $s AND grain_id = $g";
            command.Parameters.AddWithValue("$s", stateName);
            command.Parameters.AddWithValue("$g", grainId);
            using var reader = command.ExecuteReader();
            while (reader.Read()) records.Add((byte[])reader[0]);
        }
        transaction.Commit();
        return (header, records);
    });

    /// <summary>Writes (or, with null data, clears) a state if its stored version is <paramref name="expectedVersion"/>
    /// (null: no row yet), and with it upserts <paramref name="records"/> by key. Completes with the new version once
    /// the write is durable.</summary>
    public Task<long> WriteAsync(string stateName, string grainId, byte[]? data, long? expectedVersion,
        IReadOnlyList<KeyValuePair<string, byte[]>>? records = null)
    {
        var op = new WriteOp(stateName, grainId, data, expectedVersion, records);
        try
        {
            _queue.Add(op);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(SqliteStore), "The store is shutting down.");
        }
        return op.Completion.Task;
    }

    /// <summary>Checks that the database answers (for readiness).</summary>
    public Task<bool> PingAsync() => Task.Run(() =>
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM grain_state WHERE 0";
        command.ExecuteScalar();
        return true;
    });

    private void WriteLoop()
    {
        var batch = new List<WriteOp>(MaxBatch);
        using var update = Prepare("UPDATE grain_state SET data = $d, version = version + 1, updated_at = $t WHERE state_name = $s AND grain_id = $g AND version = $v RETURNING version");
        using var insert = Prepare("INSERT INTO grain_state (state_name, grain_id, version, data, updated_at) VALUES ($s, $g, 1, $d, $t) ON CONFLICT DO NOTHING RETURNING version");
        using var current = Prepare("SELECT version FROM grain_state WHERE state_name = $s AND grain_id = $g");
        using var upsert = Prepare("""
            INSERT INTO grain_record (state_name, grain_id, record_key, data) VALUES ($s, $g, $k, $d)
            ON CONFLICT (state_name, grain_id, record_key) DO UPDATE SET data = excluded.data
            """);
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var next)) batch.Add(next);
            var results = new (long Version, Exception? Error)[batch.Count];
            try
            {
                using var transaction = _writeConnection.BeginTransaction();
                var now = DateTimeOffset.UtcNow.ToString("O");
                for (var i = 0; i < batch.Count; i++)
                {
                    results[i] = Apply(batch[i], update, insert, current, upsert, transaction, now);
                }
                transaction.Commit();
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _writesCommitted, batch.Count);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Group commit of {Count} writes failed", batch.Count);
                foreach (var op in batch) op.Completion.TrySetException(e);
                continue;
            }
            for (var i = 0; i < batch.Count; i++)
            {
                if (results[i].Error is { } error) batch[i].Completion.TrySetException(error);
                else batch[i].Completion.TrySetResult(results[i].Version);
            }
        }
    }

    private static (long, Exception?) Apply(WriteOp op, SqliteCommand update, SqliteCommand insert, SqliteCommand current,
        SqliteCommand upsert, SqliteTransaction transaction, string now)
    {
        var command = op.ExpectedVersion is null ? insert : update;
        command.Transaction = transaction;
        command.Parameters["$s"].Value = op.StateName;
        command.Parameters["$g"].Value = op.GrainId;
        command.Parameters["$d"].Value = (object?)op.Data ?? DBNull.Value;
        command.Parameters["$t"].Value = now;
        if (op.ExpectedVersion is { } expected) command.Parameters["$v"].Value = expected;
        if (command.ExecuteScalar() is long version)
        {
            foreach (var (key, data) in op.Records ?? [])
            {
                upsert.Transaction = transaction;
                upsert.Parameters["$s"].Value = op.StateName;
                upsert.Parameters["$g"].Value = op.GrainId;
                upsert.Parameters["$k"].Value = key;
                upsert.Parameters["$d"].Value = data;
                upsert.ExecuteNonQuery();
            }
            return (version, null);
        }

        current.Transaction = transaction;
        current.Parameters["$s"].Value = op.StateName;
        current.Parameters["$g"].Value = op.GrainId;
        var stored = current.ExecuteScalar() as long?;
        return (0, new VersionConflictException(op.StateName, op.GrainId, op.ExpectedVersion, stored));
    }

    private SqliteCommand Prepare(string sql)
    {
        var command = _writeConnection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in new[] { "$s", "$g", "$d", "$t", "$v", "$k" })
        {
            if (sql.Contains(name)) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        if (_queue.IsAddingCompleted) return;
        _queue.CompleteAdding(); // pending writes are still committed before the writer stops
        _writer.Join();
        _queue.Dispose();
        _writeConnection.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private sealed record WriteOp(string StateName, string GrainId, byte[]? Data, long? ExpectedVersion,
        IReadOnlyList<KeyValuePair<string, byte[]>>? Records)
    {
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

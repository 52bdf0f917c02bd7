using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CounterQueue.Domain.History;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CounterQueue.Silo.Storage;

/// <summary>
/// A write that lost an optimistic-concurrency race: the stored version is not the one expected. An Orleans
/// <see cref="Orleans.Storage.InconsistentStateException"/>, so a grain's write handed straight from the store fails as any
/// grain storage's stale write does.
/// </summary>
public sealed class VersionConflictException(string stateName, string grainId, long? expected, long? stored)
    : Orleans.Storage.InconsistentStateException($"State '{stateName}' of {grainId} is at version {stored?.ToString() ?? "none"}, not {expected?.ToString() ?? "none"}.",
        stored?.ToString(CultureInfo.InvariantCulture), expected?.ToString(CultureInfo.InvariantCulture))
{
    public long? Expected { get; } = expected;
    public long? Stored { get; } = stored;
}

/// <summary>A stored row: the payload is null when the state was cleared (a tombstone keeps its version).</summary>
public readonly record struct StoredState(byte[]? Data, long Version);

/// <summary>
/// The embedded durable store: one SQLite file in WAL mode with synchronous=FULL. Reads run on pooled connections in
/// parallel; writes go to one writer thread that commits every write waiting at that moment in a single transaction
/// (group commit), so many grains writing at once share one fsync, and a write is acknowledged only after its
/// transaction is durable. Writes are applied in the order they were queued.
/// </summary>
/// <remarks>
/// A commit appends its writes to a log table (<c>grain_log</c>, in commit order) instead of updating each grain's rows
/// where they lie: the rows of different grains live on different pages of the tables' B-trees, and a commit that
/// touched twenty ticket lines wrote some forty pages to the WAL, where appending to the log writes two or three.
/// Once <see cref="DefaultFoldEvery"/> rows wait in the log, a commit also folds its oldest quarter (and at start-up
/// all of it) into <c>grain_state</c> and <c>grain_record</c>, in the same transaction, so each page is written once
/// per fold rather than once per commit, and no commit stalls on folding the whole log. Reads see the tables with the log laid over them, in one snapshot; the writer checks versions against
/// the log's latest (kept in memory until folded) or the table's.
/// </remarks>
public sealed class SqliteStore : IDisposable
{
    private const int MaxBatch = 512;
    /// <summary>Logged rows after which a commit also folds the log into the tables, unless the constructor says otherwise.</summary>
    public const int DefaultFoldEvery = 2048;
    private readonly int _foldEvery;
    private readonly string _connectionString;
    private readonly BlockingCollection<WriteOp> _queue = new();
    private readonly Thread _writer;
    private readonly ILogger _logger;
    private readonly SqliteConnection _writeConnection;
    /// <summary>Writer thread only: the version of each state with a header in the log not yet folded, and that header's seq.</summary>
    private readonly Dictionary<(string State, string Grain), (long Version, long Seq)> _loggedVersions = new();
    /// <summary>Writer thread only: the last seq given to a logged row, and the last one folded into the tables.</summary>
    private long _lastSeq, _foldedUpTo;
    /// <summary>The latest write queued for each state, until it completes (under its own lock).</summary>
    private readonly Dictionary<(string State, string Grain), WriteOp> _pending = new();

    /// <summary>How long the writer waits for more writes when it has taken a few but not <see cref="CommitSiblings"/>, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultCommitDelay = TimeSpan.FromMicroseconds(300);
    /// <summary>Writes waiting at once from which a commit goes without waiting for more.</summary>
    public const int CommitSiblings = 10;
    private readonly uint _commitDelayMicroseconds;

    /// <param name="commitDelay">
    /// Group commit's wait (Linux only; zero: none): when the writer has taken two to nine waiting writes, it waits this long
    /// for more before it commits, so one <c>fsync</c> serves more of them under load. A lone write, as in a quiet office, never
    /// waits, and neither do ten or more. Null: <see cref="DefaultCommitDelay"/>.
    /// </param>
    public SqliteStore(string databasePath, ILogger<SqliteStore> logger, int foldEvery = DefaultFoldEvery, TimeSpan? commitDelay = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(foldEvery, 1);
        var delay = commitDelay ?? DefaultCommitDelay;
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(commitDelay));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delay, TimeSpan.FromSeconds(10), nameof(commitDelay));
        _logger = logger;
        _foldEvery = foldEvery;
        _commitDelayMicroseconds = OperatingSystem.IsLinux() ? (uint)delay.TotalMicroseconds : 0;
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
            -- The fold's GROUP BY and its statement journal in memory, not in temporary files the writer thread writes to
            -- (issue #9: about eleven such writes per commit under load). Nothing durable lives there.
            PRAGMA temp_store=MEMORY;
            CREATE TABLE IF NOT EXISTS grain_state (
                state_name TEXT NOT NULL,
                grain_id   TEXT NOT NULL,
                version    INTEGER NOT NULL,
                data       BLOB NULL,
                updated_at TEXT NOT NULL,
                expires_ms INTEGER NULL, -- when the state may be deleted (retention), by the app's clock; NULL: kept
                PRIMARY KEY (state_name, grain_id)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS grain_record (
                state_name TEXT NOT NULL,
                grain_id   TEXT NOT NULL,
                record_key TEXT NOT NULL,
                data       BLOB NOT NULL,
                PRIMARY KEY (state_name, grain_id, record_key)
            ) WITHOUT ROWID;
            -- Writes not yet folded into the tables above, in commit order: a header (record_key NULL; data NULL clears
            -- the state) with its new version, or a record (data), which may carry its write's header too (header, with
            -- the version and expiry): a write of a header and one record, such as a new ticket, is then one row. A row
            -- with a version holds a header.
            CREATE TABLE IF NOT EXISTS grain_log (
                seq        INTEGER PRIMARY KEY,
                state_name TEXT NOT NULL,
                grain_id   TEXT NOT NULL,
                record_key TEXT NULL,
                version    INTEGER NULL,
                data       BLOB NULL,
                expires_ms INTEGER NULL,
                header     BLOB NULL
            );
            -- The visit history (来庁記録): appended in the same group commits as the grains' writes, never updated.
            CREATE TABLE IF NOT EXISTS visit_event (
                seq           INTEGER PRIMARY KEY,
                office_id     TEXT NOT NULL,
                day           TEXT NOT NULL,
                at_ms         INTEGER NOT NULL,
                kind          TEXT NOT NULL,
                service_id    TEXT NULL,
                visit_id      TEXT NULL,
                number        TEXT NULL,
                counter_id    TEXT NULL,
                staff         TEXT NULL,
                step          TEXT NULL,
                to_service_id TEXT NULL,
                channel       TEXT NULL,
                assisted      INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX IF NOT EXISTS visit_event_by_day ON visit_event (office_id, day);
            -- The audit log: staff, guide and admin actions and sign-ins, appended in the same group commits, never updated.
            CREATE TABLE IF NOT EXISTS audit_event (
                seq      INTEGER PRIMARY KEY,
                at_ms    INTEGER NOT NULL,
                user     TEXT NULL,
                method   TEXT NOT NULL,
                route    TEXT NOT NULL,
                target   TEXT NULL,
                status   INTEGER NOT NULL,
                address  TEXT NULL
            );
            CREATE INDEX IF NOT EXISTS audit_event_by_time ON audit_event (at_ms);
            -- One row the readiness check rewrites to learn whether the store can write again after a commit failed.
            CREATE TABLE IF NOT EXISTS store_probe (
                id    INTEGER PRIMARY KEY,
                at    TEXT NOT NULL
            );
            """);
        // Stores made before states could expire get the column (NULL: kept, until the state's next write sets it), and
        // logs made before a record's row could carry its header get that column (NULL in their rows: none did).
        foreach (var (table, column, type) in new[] { ("grain_state", "expires_ms", "INTEGER"), ("grain_log", "expires_ms", "INTEGER"), ("grain_log", "header", "BLOB") })
        {
            using var columns = _writeConnection.CreateCommand();
            columns.CommandText = $"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
            if ((long)columns.ExecuteScalar()! == 0) Execute(_writeConnection, $"ALTER TABLE {table} ADD COLUMN {column} {type} NULL");
        }
        Execute(_writeConnection, "CREATE INDEX IF NOT EXISTS grain_state_by_expiry ON grain_state (expires_ms) WHERE expires_ms IS NOT NULL");
        using (var transaction = _writeConnection.BeginTransaction())
        {
            var folded = Fold(transaction, long.MaxValue, DateTimeOffset.UtcNow.ToString("O"));
            transaction.Commit();
            if (folded > 0) _logger.LogInformation("Folded {Count} logged writes into the tables at start-up", folded);
        }
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "sqlite-group-commit" };
        _writer.Start();
        _logger.LogInformation("Embedded store open at {DatabasePath}", DatabasePath);
    }

    public string DatabasePath { get; }

    /// <summary>Transactions committed so far; with <see cref="WritesCommitted"/> it shows how well writes are grouped.</summary>
    public long Commits => Interlocked.Read(ref _commits);
    public long WritesCommitted => Interlocked.Read(ref _writesCommitted);
    /// <summary>Times the log was folded into the tables.</summary>
    public long Folds => Interlocked.Read(ref _folds);
    private long _commits;
    private long _writesCommitted;
    private long _folds;

    /// <summary>
    /// The writer's time in its committed transactions so far, by phase: applying the writes (checking versions, inserting the
    /// log's, history's and audit's rows; a prune's deletions and the fold before them too), folding the log into the tables
    /// once it is long enough, and committing (writing the WAL, syncing it to the disk, and checkpoints when they fall due). Their sum against the time passed is how busy the writer is: a writer near
    /// all of it is one the office's load has outgrown (issue #9 compares the app's with the durable ceiling's, per write).
    /// </summary>
    public (TimeSpan Apply, TimeSpan Fold, TimeSpan Commit) WriterTime =>
        (Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _applyTicks)), Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _foldTicks)),
            Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicks)));
    private long _applyTicks, _foldTicks, _commitTicks;

    /// <summary>
    /// Why the latest commit failed (the disk full, an I/O error…), or null once one has succeeded since: the readiness
    /// check reports it, and nothing written meanwhile was acknowledged.
    /// </summary>
    public string? LastCommitFailure => _lastCommitFailure;
    private volatile string? _lastCommitFailure;

    /// <summary>
    /// Rewrites one row in a group commit of its own turn and completes once that is durable (or fails as a commit would):
    /// whether the store can write now, for the readiness check after a commit failed.
    /// </summary>
    public Task ProbeWriteAsync()
    {
        var op = new WriteOp("", "", null, null, null) { Probe = true };
        Enqueue(op);
        return op.Completion.Task;
    }

    /// <summary>For tests: runs <paramref name="action"/> on the writer's connection, in the writer's turn (e.g. to make the file "full").</summary>
    internal Task RunOnWriterAsync(Action<SqliteConnection> action)
    {
        var op = new WriteOp("", "", null, null, null) { OnWriter = action };
        Enqueue(op);
        return op.Completion.Task;
    }

    public Task<StoredState?> ReadAsync(string stateName, string grainId) => Task.Run(() =>
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction(deferred: true); // the table and the log as of one moment
        var header = ReadHeader(connection, transaction, stateName, grainId);
        transaction.Commit();
        return header;
    });

    /// <summary>A state's header row and all its records, read in one transaction (one consistent snapshot).</summary>
    public Task<(StoredState? Header, List<byte[]> Records)> ReadWithRecordsAsync(string stateName, string grainId) => Task.Run(() =>
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        var header = ReadHeader(connection, transaction, stateName, grainId);
        var records = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var command = Command(connection, transaction, "SELECT record_key, data FROM grain_record WHERE state_name = $s AND grain_id = $g", stateName, grainId))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read()) records[reader.GetString(0)] = (byte[])reader[1];
        }
        using (var command = Command(connection, transaction,
                   "SELECT record_key, data FROM grain_log WHERE state_name = $s AND grain_id = $g AND record_key IS NOT NULL ORDER BY seq", stateName, grainId))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read()) records[reader.GetString(0)] = (byte[])reader[1]; // a later write of a record wins
        }
        transaction.Commit();
        return (header, records.Values.ToList());
    });

    /// <summary>The latest header: the log's newest if it has one for the state (alone or on a record's row), else the table's.</summary>
    private static StoredState? ReadHeader(SqliteConnection connection, SqliteTransaction transaction, string stateName, string grainId)
    {
        using (var logged = Command(connection, transaction,
                   $"SELECT {LoggedHeader}, version FROM grain_log WHERE state_name = $s AND grain_id = $g AND version IS NOT NULL ORDER BY seq DESC LIMIT 1", stateName, grainId))
        using (var reader = logged.ExecuteReader())
        {
            if (reader.Read()) return new StoredState(reader.IsDBNull(0) ? null : (byte[])reader[0], reader.GetInt64(1));
        }
        using var command = Command(connection, transaction, "SELECT data, version FROM grain_state WHERE state_name = $s AND grain_id = $g", stateName, grainId);
        using var row = command.ExecuteReader();
        return row.Read() ? new StoredState(row.IsDBNull(0) ? null : (byte[])row[0], row.GetInt64(1)) : null;
    }

    /// <summary>A logged header row's header: its data, or on a record's row the header it carries.</summary>
    private const string LoggedHeader = "CASE WHEN record_key IS NULL THEN data ELSE header END";

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, string stateName, string grainId)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$s", stateName);
        command.Parameters.AddWithValue("$g", grainId);
        return command;
    }

    /// <summary>Writes (or, with null data, clears) a state if its stored version is <paramref name="expectedVersion"/>
    /// (null: no row yet), and with it upserts <paramref name="records"/> by key. Completes with the new version once
    /// the write is durable. Writes are applied in the order of these calls; a write started while an earlier write of
    /// the same state is still pending, from the version that one will give, is chained to it: it fails if that one
    /// fails, even should another writer have reached that version meanwhile. <paramref name="history"/>: visit events
    /// appended in the same transaction if (and only if) the write is applied.</summary>
    public Task<long> WriteAsync(string stateName, string grainId, byte[]? data, long? expectedVersion,
        IReadOnlyList<KeyValuePair<string, byte[]>>? records = null, DateTimeOffset? expiresAt = null, IReadOnlyList<VisitEvent>? history = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName); // an empty name marks the history's and the audit's own appends
        var op = new WriteOp(stateName, grainId, data, expectedVersion, records) { ExpiresMs = expiresAt?.ToUnixTimeMilliseconds(), History = history };
        lock (_pending)
        {
            if (_pending.TryGetValue((stateName, grainId), out var previous) && previous.NextVersion == expectedVersion) op.After = previous;
            Enqueue(op);
            _pending[(stateName, grainId)] = op;
        }
        return op.Completion.Task;
    }

    /// <summary>
    /// Appends visit events to the history, in the next group commit (with the grains' writes queued at that moment,
    /// after any queued before this call); completes once durable.
    /// </summary>
    public Task AppendHistoryAsync(IReadOnlyList<VisitEvent> events)
    {
        if (events.Count == 0) return Task.CompletedTask;
        var op = new WriteOp("", "", null, null, null) { History = events };
        Enqueue(op);
        return op.Completion.Task;
    }

    /// <summary>Appends audit entries in the next group commit; completes once durable.</summary>
    public Task AppendAuditAsync(IReadOnlyList<CounterQueue.Domain.Security.AuditEntry> entries)
    {
        if (entries.Count == 0) return Task.CompletedTask;
        var op = new WriteOp("", "", null, null, null) { Audit = entries };
        Enqueue(op);
        return op.Completion.Task;
    }

    /// <summary>Audit entries from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), oldest first, at most <paramref name="limit"/>.</summary>
    public Task<List<CounterQueue.Domain.Security.AuditEntry>> ReadAuditAsync(DateTimeOffset from, DateTimeOffset to, string? user, int limit) => Task.Run(() =>
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT at_ms, user, method, route, target, status, address FROM audit_event WHERE at_ms >= $f AND at_ms < $t"
                              + (user is null ? "" : " AND user = $u") + " ORDER BY seq LIMIT $l";
        command.Parameters.AddWithValue("$f", from.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$t", to.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$l", limit);
        if (user is not null) command.Parameters.AddWithValue("$u", user);
        using var reader = command.ExecuteReader();
        var entries = new List<CounterQueue.Domain.Security.AuditEntry>();
        while (reader.Read())
            entries.Add(new CounterQueue.Domain.Security.AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), Text(reader, 1),
                reader.GetString(2), reader.GetString(3), Text(reader, 4), (int)reader.GetInt64(5), Text(reader, 6)));
        return entries;
    });

    /// <summary>
    /// Deletes the states whose expiry (given with their last write) is before <paramref name="now"/>, with their
    /// records: a few at a time, each batch in one of the writer's group commits (which folds the log first), so other
    /// writes wait only briefly. Returns how many states were deleted.
    /// </summary>
    public async Task<long> PruneExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        long total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var op = new WriteOp("", "", null, null, null) { PruneBeforeMs = now.ToUnixTimeMilliseconds() };
            Enqueue(op, cancellationToken);
            var deleted = await op.Completion.Task;
            total += deleted;
            if (deleted < PruneBatch) break;
        }
        return total;
    }

    /// <summary>
    /// For tests: the writer stops when it reaches this point of the queue, until the result is disposed; writes queued
    /// meanwhile then go into its next commit together. Returns once the writer has stopped.
    /// </summary>
    internal IDisposable PauseWriter()
    {
        var pause = new WriterPause();
        Enqueue(new WriteOp("", "", null, null, null) { Pause = pause });
        pause.Reached.Wait();
        return pause;
    }

    internal sealed class WriterPause : IDisposable
    {
        public ManualResetEventSlim Reached { get; } = new();
        public ManualResetEventSlim Released { get; } = new();
        public void Dispose() => Released.Set();
    }

    /// <summary>Hands an operation to the writer thread, or says the store is shutting down.</summary>
    private void Enqueue(WriteOp op, CancellationToken cancellationToken = default)
    {
        try
        {
            _queue.Add(op, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(SqliteStore), "The store is shutting down.");
        }
    }

    /// <summary>Expired states deleted per group commit.</summary>
    private const int PruneBatch = 50;

    /// <summary>Deletes audit entries older than <paramref name="before"/>, in small transactions; returns how many.</summary>
    public Task<long> PruneAuditAsync(DateTimeOffset before) => DeleteInChunksAsync("audit_event", "at_ms < $v", before.ToUnixTimeMilliseconds());

    /// <summary>An office's visit events of the days from <paramref name="from"/> to <paramref name="to"/> (inclusive), in the order they were stored.</summary>
    public Task<List<VisitEvent>> ReadHistoryAsync(string officeId, DateOnly from, DateOnly to, string? visitId = null,
        IReadOnlyCollection<string>? kinds = null) => Task.Run(() =>
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT office_id, day, at_ms, kind, service_id, visit_id, number, counter_id, staff, step, to_service_id, channel, assisted
            FROM visit_event WHERE office_id = $o AND day >= $f AND day <= $t
            """ + (visitId is null ? "" : " AND visit_id = $v")
            + (kinds is null ? "" : $" AND kind IN ({string.Join(", ", kinds.Select((_, i) => $"$k{i}"))})") + " ORDER BY seq";
        command.Parameters.AddWithValue("$o", officeId);
        command.Parameters.AddWithValue("$f", Day(from));
        command.Parameters.AddWithValue("$t", Day(to));
        if (visitId is not null) command.Parameters.AddWithValue("$v", visitId);
        var k = 0;
        foreach (var kind in kinds ?? []) command.Parameters.AddWithValue($"$k{k++}", kind);
        using var reader = command.ExecuteReader();
        var events = new List<VisitEvent>();
        while (reader.Read())
        {
            events.Add(new VisitEvent(reader.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetString(0),
                DateOnly.ParseExact(reader.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                Text(reader, 4), Text(reader, 5), Text(reader, 6), Text(reader, 7), Text(reader, 8), Text(reader, 9), Text(reader, 10),
                Text(reader, 11), reader.GetInt64(12) != 0));
        }
        return events;
    });

    /// <summary>Whether the history has anything for the office on that day.</summary>
    public Task<bool> HasHistoryAsync(string officeId, DateOnly day) => Task.Run(() =>
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM visit_event WHERE office_id = $o AND day = $d)";
        command.Parameters.AddWithValue("$o", officeId);
        command.Parameters.AddWithValue("$d", Day(day));
        return (long)command.ExecuteScalar()! != 0;
    });

    /// <summary>Deletes the history of days before <paramref name="before"/>, in small transactions (the writer waits only briefly); returns the rows deleted.</summary>
    public Task<long> PruneHistoryAsync(DateOnly before) => DeleteInChunksAsync("visit_event", "day < $v", Day(before));

    /// <summary>Deletes a table's rows that match, 5,000 at a time (each its own short transaction), so the writer never waits long.</summary>
    private Task<long> DeleteInChunksAsync(string table, string condition, object value) => Task.Run(() =>
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        long total = 0;
        while (true)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"DELETE FROM {table} WHERE seq IN (SELECT seq FROM {table} WHERE {condition} LIMIT 5000)";
            command.Parameters.AddWithValue("$v", value);
            var deleted = command.ExecuteNonQuery();
            total += deleted;
            if (deleted < 5000) return total;
        }
    });

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>
    /// Writes a consistent copy of the whole store to <paramref name="path"/> (SQLite's <c>VACUUM INTO</c>: one read
    /// transaction, so the copy is the store as of one commit, and the writer goes on meanwhile). The file must not exist.
    /// </summary>
    public Task BackupToAsync(string path, CancellationToken cancellationToken = default) => Task.Run(() =>
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $path";
        command.Parameters.AddWithValue("$path", path);
        command.ExecuteNonQuery();
    }, cancellationToken);

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
        var versions = new Dictionary<(string, string), (long Version, long Seq)>(); // this batch's, kept once it commits
        using var current = _writeConnection.CreateCommand();
        current.CommandText = "SELECT version FROM grain_state WHERE state_name = $s AND grain_id = $g";
        current.Parameters.Add(new SqliteParameter { ParameterName = "$s" });
        current.Parameters.Add(new SqliteParameter { ParameterName = "$g" });
        using var append = new SqliteInsert(_writeConnection,
            "INSERT INTO grain_log (seq, state_name, grain_id, record_key, version, data, expires_ms, header) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        using var history = new SqliteInsert(_writeConnection, """
            INSERT INTO visit_event (office_id, day, at_ms, kind, service_id, visit_id, number, counter_id, staff, step, to_service_id, channel, assisted)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """);
        using var audit = _writeConnection.CreateCommand();
        audit.CommandText = "INSERT INTO audit_event (at_ms, user, method, route, target, status, address) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        for (var p = 1; p <= 7; p++) audit.Parameters.Add(new SqliteParameter { ParameterName = "$" + p });
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Clear();
            versions.Clear();
            batch.Add(first);
            TakeWaiting(batch);
            if (_commitDelayMicroseconds > 0 && batch.Count is > 1 and < CommitSiblings)
            {
                // Under load, a commit of a few writes waits a moment for the writes on their way (PostgreSQL's commit_delay
                // with commit_siblings): issue #9 measured 1.10× the tickets a second at 0.93× the CPU each, p99 unchanged.
                Sleep(_commitDelayMicroseconds);
                TakeWaiting(batch);
            }
            RunWriterActions(batch);
            if (batch.Count == 0) continue;
            var results = new (long Version, Exception? Error)[batch.Count];
            var lastSeq = _lastSeq;
            try
            {
                var started = Stopwatch.GetTimestamp();
                using var transaction = _writeConnection.BeginTransaction();
                current.Transaction = audit.Transaction = transaction; // the raw inserts run in the connection's transaction
                var foldedInBatch = _foldedUpTo;
                for (var i = 0; i < batch.Count; i++)
                {
                    if (batch[i].Pause is { } pause)
                    {
                        pause.Reached.Set();
                        pause.Released.Wait();
                        continue;
                    }
                    if (batch[i].Probe)
                    {
                        using var probe = _writeConnection.CreateCommand();
                        probe.CommandText = "INSERT OR REPLACE INTO store_probe (id, at) VALUES (1, $at)";
                        probe.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O"));
                        probe.ExecuteNonQuery();
                        continue;
                    }
                    if (batch[i].PruneBeforeMs is { } cutoff)
                    {
                        // Fold the whole log first, so every state's latest write (and expiry) is in the tables.
                        if (lastSeq > foldedInBatch) Fold(transaction, lastSeq, DateTimeOffset.UtcNow.ToString("O"));
                        foldedInBatch = lastSeq;
                        results[i] = PruneExpired(transaction, cutoff);
                        continue;
                    }
                    results[i] = batch[i].Audit is { } entries ? AppendAudit(audit, entries)
                        : !batch[i].WritesState ? AppendHistory(history, batch[i].History!)
                        : Apply(batch[i], current, append, history, versions, ref lastSeq);
                }
                // Past the threshold, fold the oldest rows: all but (threshold - a quarter), so at least a quarter at once.
                var foldUpTo = foldedInBatch;
                if (lastSeq - foldUpTo >= _foldEvery) foldUpTo = lastSeq - (_foldEvery - Math.Max(1, _foldEvery / 4));
                var applied = Stopwatch.GetTimestamp();
                var folded = applied; // no fold, no time folding
                if (foldUpTo > foldedInBatch)
                {
                    Fold(transaction, foldUpTo, DateTimeOffset.UtcNow.ToString("O"));
                    folded = Stopwatch.GetTimestamp();
                }
                transaction.Commit();
                var committed = Stopwatch.GetTimestamp();
                Interlocked.Add(ref _applyTicks, applied - started);
                Interlocked.Add(ref _foldTicks, folded - applied);
                Interlocked.Add(ref _commitTicks, committed - folded);
                _lastSeq = lastSeq;
                foreach (var (key, version) in versions) _loggedVersions[key] = version;
                if (foldUpTo > _foldedUpTo)
                {
                    _foldedUpTo = foldUpTo;
                    foreach (var key in _loggedVersions.Where(v => v.Value.Seq <= foldUpTo).Select(v => v.Key).ToList()) _loggedVersions.Remove(key);
                    Interlocked.Increment(ref _folds);
                }
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _writesCommitted, batch.Count);
                _lastCommitFailure = null;
            }
            catch (Exception e)
            {
                _lastCommitFailure = e.GetBaseException().Message;
                _logger.LogError(e, "Group commit of {Count} writes failed", batch.Count);
                for (var i = 0; i < batch.Count; i++) results[i] = (0, e);
            }
            lock (_pending)
            {
                foreach (var op in batch)
                {
                    if (_pending.TryGetValue((op.StateName, op.GrainId), out var latest) && ReferenceEquals(latest, op))
                        _pending.Remove((op.StateName, op.GrainId));
                }
            }
            for (var i = 0; i < batch.Count; i++) batch[i].Failed = results[i].Error is not null;
            // One thread-pool item completes the whole commit (not one per write): the writer goes back to the queue at once.
            // Each write's continuations are then queued apart (WriteOp.Completion), a grain's to the grain's scheduler.
            ThreadPool.UnsafeQueueUserWorkItem(static done => Complete(done.Ops, done.Results), (Ops: batch.ToArray(), Results: results), preferLocal: false);
        }
    }

    /// <summary>Adds the operations waiting now to the batch, up to <see cref="MaxBatch"/>.</summary>
    private void TakeWaiting(List<WriteOp> batch)
    {
        while (batch.Count < MaxBatch && _queue.TryTake(out var next)) batch.Add(next);
    }

    /// <summary>
    /// Tests' actions on the writer's connection (<see cref="RunOnWriterAsync"/>) run outside any transaction, before the
    /// batch's writes (one may make the file read-only, or writable again), and leave the batch.
    /// </summary>
    private void RunWriterActions(List<WriteOp> batch)
    {
        if (!batch.Exists(op => op.OnWriter is not null)) return;
        foreach (var op in batch.Where(op => op.OnWriter is not null))
        {
            Exception? error = null;
            try { op.OnWriter!(_writeConnection); }
            catch (Exception e) { error = e; }
            ThreadPool.UnsafeQueueUserWorkItem(static done =>
            {
                if (done.Error is { } e) done.Op.Completion.TrySetException(e);
                else done.Op.Completion.TrySetResult(0);
            }, (Op: op, Error: error), preferLocal: false);
        }
        batch.RemoveAll(op => op.OnWriter is not null);
    }

    private static void Complete(WriteOp[] ops, (long Version, Exception? Error)[] results)
    {
        for (var i = 0; i < ops.Length; i++)
        {
            if (results[i].Error is { } error) ops[i].Completion.TrySetException(error);
            else ops[i].Completion.TrySetResult(results[i].Version);
        }
    }

    /// <summary>Checks one write's expected version and appends it to the log, with its history (in this batch's transaction).</summary>
    private (long, Exception?) Apply(WriteOp op, SqliteCommand current, SqliteInsert append, SqliteInsert history,
        Dictionary<(string, string), (long Version, long Seq)> versions, ref long lastSeq)
    {
        var key = (op.StateName, op.GrainId);
        long? stored;
        if (versions.TryGetValue(key, out var inBatch)) stored = inBatch.Version;
        else if (_loggedVersions.TryGetValue(key, out var inLog)) stored = inLog.Version;
        else
        {
            current.Parameters["$s"].Value = op.StateName;
            current.Parameters["$g"].Value = op.GrainId;
            stored = current.ExecuteScalar() as long?;
        }
        if (stored != op.ExpectedVersion || op.After is { Failed: true })
        {
            op.Failed = true; // a write chained to this one fails too
            return (0, new VersionConflictException(op.StateName, op.GrainId, op.ExpectedVersion, stored));
        }

        var version = (stored ?? 0) + 1;
        var records = op.Records ?? [];
        var first = 0;
        if (op.Data is { } header && records.Count > 0)
        {
            // The header rides on the first record's row: one row fewer to insert, fold and delete (a ticket issued is one row).
            Append(append, ++lastSeq, op.StateName, op.GrainId, records[0].Key, version, records[0].Value, op.ExpiresMs, header);
            first = 1;
        }
        else
        {
            Append(append, ++lastSeq, op.StateName, op.GrainId, null, version, op.Data, op.ExpiresMs);
        }
        versions[key] = (version, lastSeq);
        for (var i = first; i < records.Count; i++) Append(append, ++lastSeq, op.StateName, op.GrainId, records[i].Key, null, records[i].Value, null);
        if (op.History is { } events) AppendHistory(history, events);
        return (version, null);
    }

    /// <summary>
    /// Deletes up to <see cref="PruneBatch"/> expired states and their records, once the log is folded. (A state with a
    /// header still in the log would be left alone: that newer write carries its expiry.)
    /// </summary>
    private static (long, Exception?) PruneExpired(SqliteTransaction transaction, long cutoff)
    {
        var connection = transaction.Connection!;
        var expired = new List<(string State, string Grain)>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = """
                SELECT state_name, grain_id FROM grain_state s WHERE expires_ms < $c
                AND NOT EXISTS (SELECT 1 FROM grain_log l WHERE l.version IS NOT NULL AND l.state_name = s.state_name AND l.grain_id = s.grain_id)
                ORDER BY expires_ms LIMIT $l
                """;
            select.Parameters.AddWithValue("$c", cutoff);
            select.Parameters.AddWithValue("$l", PruneBatch);
            using var reader = select.ExecuteReader();
            while (reader.Read()) expired.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var key in expired)
        {
            foreach (var table in new[] { "grain_record", "grain_state" })
            {
                using var delete = Command(connection, transaction, $"DELETE FROM {table} WHERE state_name = $s AND grain_id = $g", key.State, key.Grain);
                delete.ExecuteNonQuery();
            }
        }
        return (expired.Count, null);
    }

    private static (long, Exception?) AppendHistory(SqliteInsert insert, IReadOnlyList<VisitEvent> events)
    {
        foreach (var e in events)
        {
            insert.Text(1, e.OfficeId).Text(2, Day(e.Day)).Integer(3, e.At.ToUnixTimeMilliseconds()).Text(4, e.Kind)
                .Text(5, e.ServiceId).Text(6, e.VisitId).Text(7, e.Number).Text(8, e.CounterId).Text(9, e.Staff).Text(10, e.Step)
                .Text(11, e.ToServiceId).Text(12, e.Channel).Integer(13, e.Assisted ? 1 : 0).Run();
        }
        return (0, null);
    }

    private static (long, Exception?) AppendAudit(SqliteCommand insert, IReadOnlyList<CounterQueue.Domain.Security.AuditEntry> entries)
    {
        static object Db(string? value) => (object?)value ?? DBNull.Value;
        var p = insert.Parameters;
        foreach (var e in entries)
        {
            p[0].Value = e.At.ToUnixTimeMilliseconds();
            p[1].Value = Db(e.User);
            p[2].Value = e.Method;
            p[3].Value = e.Route;
            p[4].Value = Db(e.Target);
            p[5].Value = e.Status;
            p[6].Value = Db(e.Address);
            insert.ExecuteNonQuery();
        }
        return (0, null);
    }

    private static void Append(SqliteInsert append, long seq, string stateName, string grainId, string? recordKey, long? version, byte[]? data,
        long? expiresMs, byte[]? header = null) =>
        append.Integer(1, seq).Text(2, stateName).Text(3, grainId).Text(4, recordKey).Integer(5, version).Blob(6, data).Integer(7, expiresMs)
            .Blob(8, header).Run();

    /// <summary>Moves the logged writes up to <paramref name="upTo"/> (seq) into the tables and out of the log. Returns the rows moved.</summary>
    private static int Fold(SqliteTransaction transaction, long upTo, string now)
    {
        var connection = transaction.Connection!;
        using var headers = connection.CreateCommand();
        headers.Transaction = transaction;
        // The newest header of each state wins (the highest seq, and so the highest version).
        headers.CommandText = $"""
            INSERT INTO grain_state (state_name, grain_id, version, data, updated_at, expires_ms)
            SELECT state_name, grain_id, version, {LoggedHeader}, $t, expires_ms FROM grain_log
            WHERE seq IN (SELECT max(seq) FROM grain_log WHERE version IS NOT NULL AND seq <= $u GROUP BY state_name, grain_id)
            ON CONFLICT (state_name, grain_id) DO UPDATE SET version = excluded.version, data = excluded.data, updated_at = excluded.updated_at,
                expires_ms = excluded.expires_ms
            """;
        headers.Parameters.AddWithValue("$t", now);
        headers.Parameters.AddWithValue("$u", upTo);
        headers.ExecuteNonQuery();
        using var records = connection.CreateCommand();
        records.Transaction = transaction;
        // The newest write of each record wins.
        records.CommandText = """
            INSERT INTO grain_record (state_name, grain_id, record_key, data)
            SELECT state_name, grain_id, record_key, data FROM grain_log
            WHERE seq IN (SELECT max(seq) FROM grain_log WHERE record_key IS NOT NULL AND seq <= $u GROUP BY state_name, grain_id, record_key)
            ON CONFLICT (state_name, grain_id, record_key) DO UPDATE SET data = excluded.data
            """;
        records.Parameters.AddWithValue("$u", upTo);
        records.ExecuteNonQuery();
        using var clear = connection.CreateCommand();
        clear.Transaction = transaction;
        clear.CommandText = "DELETE FROM grain_log WHERE seq <= $u";
        clear.Parameters.AddWithValue("$u", upTo);
        return clear.ExecuteNonQuery();
    }

    // .NET's own sleeps count whole milliseconds; the writer waits a few hundred microseconds.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "usleep")]
    private static extern int Sleep(uint microseconds);

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
        /// <summary>
        /// Completed on a thread-pool thread (<see cref="Complete"/>), never on the writer's. Its continuations are queued, each
        /// apart: the one thread that completes a commit's writes does not run the answers of all of them in turn (a request
        /// awaits a ticket's write straight from the store: <see cref="SqliteGrainStorage.WriteRecordSetInOrderAsync"/>).
        /// </summary>
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Visit events to append: alone (no state name: no state is written then), or with the state's write if it is applied.</summary>
        public IReadOnlyList<VisitEvent>? History { get; init; }
        /// <summary>The app-clock time after which the state may be deleted (retention), with its header.</summary>
        public long? ExpiresMs { get; init; }
        /// <summary>Set for a prune of the states expired before this time (no state is written then).</summary>
        public long? PruneBeforeMs { get; init; }
        /// <summary>Set for a pause of the writer (tests).</summary>
        public WriterPause? Pause { get; init; }
        /// <summary>Set for a write of the readiness check's row (no state is written then).</summary>
        public bool Probe { get; init; }
        /// <summary>Set for an action on the writer's connection (tests).</summary>
        public Action<SqliteConnection>? OnWriter { get; init; }
        /// <summary>Set for an append to the audit log.</summary>
        public IReadOnlyList<CounterQueue.Domain.Security.AuditEntry>? Audit { get; init; }
        /// <summary>Whether this writes a state (the history's, the audit's, a prune's, a probe's and a pause's own operations have no state name).</summary>
        public bool WritesState => StateName.Length > 0;
        /// <summary>The version this write gives if it succeeds.</summary>
        public long NextVersion => (ExpectedVersion ?? 0) + 1;
        /// <summary>The pending write of the same state this one was started after, from the version it gives.</summary>
        public WriteOp? After { get; set; }
        /// <summary>Set by the writer thread once this write is refused or its commit fails (volatile: read by the next in the chain).</summary>
        public volatile bool Failed;
    }
}

using Microsoft.Data.Sqlite;

namespace CounterQueue.Benchmarks;

/// <summary>The baseline: the same table and pragmas, but one transaction (one fsync) per write.</summary>
internal sealed class NaiveStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public NaiveStore(string path)
    {
        _connection = new SqliteConnection($"Data Source={path}");
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS grain_state (state_name TEXT NOT NULL, grain_id TEXT NOT NULL, version INTEGER NOT NULL,
              data BLOB NULL, updated_at TEXT NOT NULL, PRIMARY KEY (state_name, grain_id)) WITHOUT ROWID;
            """;
        command.ExecuteNonQuery();
    }

    public async Task<long> WriteAsync(string stateName, string grainId, byte[] data)
    {
        await _lock.WaitAsync();
        try
        {
            return await Task.Run(() =>
            {
                using var transaction = _connection.BeginTransaction();
                using var command = _connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO grain_state (state_name, grain_id, version, data, updated_at) VALUES ($s, $g, 1, $d, $t)
                    ON CONFLICT (state_name, grain_id) DO UPDATE SET data = excluded.data, version = version + 1, updated_at = excluded.updated_at
                    RETURNING version
                    """;
                command.Parameters.AddWithValue("$s", stateName);
                command.Parameters.AddWithValue("$g", grainId);
                command.Parameters.AddWithValue("$d", data);
                command.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O"));
                var version = (long)command.ExecuteScalar()!;
                transaction.Commit();
                return version;
            });
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _connection.Dispose();
}

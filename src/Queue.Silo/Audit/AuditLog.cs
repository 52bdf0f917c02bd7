using CounterQueue.Domain.Security;
using CounterQueue.Silo.Storage;
using Npgsql;
using Polly;

namespace CounterQueue.Silo.Audit;

/// <summary>The audit log of staff, guide and admin actions (and sign-ins), in the grains' own store.</summary>
public interface IAuditLog
{
    /// <summary>Appends an entry; completes once it is durable.</summary>
    Task AppendAsync(AuditEntry entry);

    /// <summary>Entries from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAsync(DateTimeOffset from, DateTimeOffset to, string? user, int limit, CancellationToken cancellationToken = default);

    Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}

/// <summary>The audit log in the embedded store: appends share its group commit.</summary>
public sealed class SqliteAuditLog(SqliteStore store) : IAuditLog
{
    public Task AppendAsync(AuditEntry entry) => store.AppendAuditAsync([entry]);

    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(DateTimeOffset from, DateTimeOffset to, string? user, int limit, CancellationToken cancellationToken = default) =>
        await store.ReadAuditAsync(from, to, user, limit);

    public Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default) => store.PruneAuditAsync(before);
}

/// <summary>The audit log on PostgreSQL (cluster mode): one row per entry; reads retried on transient failures.</summary>
public sealed class PostgresAuditLog(NpgsqlDataSource database, ResiliencePipeline resilience) : IAuditLog
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS cq_audit_event (
            seq     bigserial   PRIMARY KEY,
            at      timestamptz NOT NULL,
            "user"  text        NULL,
            method  text        NOT NULL,
            route   text        NOT NULL,
            target  text        NULL,
            status  integer     NOT NULL,
            address text        NULL
        );
        CREATE INDEX IF NOT EXISTS cq_audit_event_by_time ON cq_audit_event (at);
        """;
    private readonly PostgresSchema _schema = new(database, resilience, 7310003, Schema);

    private Task EnsureSchemaAsync() => _schema.EnsureAsync();

    public async Task AppendAsync(AuditEntry entry)
    {
        await EnsureSchemaAsync();
        await using var command = database.CreateCommand("""INSERT INTO cq_audit_event (at, "user", method, route, target, status, address) VALUES ($1, $2, $3, $4, $5, $6, $7)""");
        command.Parameters.Add(new NpgsqlParameter { Value = entry.At.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.User ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.Method });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.Route });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.Target ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.Status });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.Address ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(); // sent once: a lost answer leaves at most a missing line, never a doubled one
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(DateTimeOffset from, DateTimeOffset to, string? user, int limit, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync();
        return await resilience.ExecuteAsync(async ct =>
        {
            await using var command = database.CreateCommand("""
                SELECT at, "user", method, route, target, status, address FROM cq_audit_event
                WHERE at >= $1 AND at < $2 AND ($3::text IS NULL OR "user" = $3) ORDER BY seq LIMIT $4
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = from.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter { Value = to.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)user ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            await using var reader = await command.ExecuteReaderAsync(ct);
            var entries = new List<AuditEntry>();
            while (await reader.ReadAsync(ct))
            {
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                entries.Add(new AuditEntry(new DateTimeOffset(reader.GetFieldValue<DateTime>(0), TimeSpan.Zero), Text(1), reader.GetString(2),
                    reader.GetString(3), Text(4), reader.GetInt32(5), Text(6)));
            }
            return entries;
        }, cancellationToken);
    }

    public async Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync();
        await using var command = database.CreateCommand("DELETE FROM cq_audit_event WHERE at < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = before.UtcDateTime });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

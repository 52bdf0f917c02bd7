using System.Globalization;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;
using Polly;

namespace CounterQueue.Silo.Clustering;

/// <summary>
/// Orleans' membership table on PostgreSQL, for cluster mode: which silos are in the cluster and how
/// they are. Orleans' protocol needs each change to be conditional on the table's version and the
/// row's ETag; every change here is one transaction that checks both, so two silos can never both
/// succeed from the same view. Entries are stored with Orleans' own serializer.
/// </summary>
/// <remarks>
/// Orleans' own ADO.NET clustering needs SQL scripts that ship only in Orleans' source repository, so this table is
/// ours; <c>PostgresMembershipTableTests</c> holds it to what Orleans' membership tests check. Every call goes through
/// the resilience pipeline: the idempotent ones (set-up, reads, delete, clean-up, I-am-alive) are retried whole on a
/// transient failure; a change only has its connection retried, since its version checks make a lost answer safe.
/// </remarks>
public sealed class PostgresMembershipTable(NpgsqlDataSource database, Serializer serializer, string clusterId, ResiliencePipeline? resilience = null) : IMembershipTable
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS cq_membership_version (
            cluster_id text   PRIMARY KEY,
            version    int    NOT NULL,
            etag       bigint NOT NULL
        );
        CREATE TABLE IF NOT EXISTS cq_membership (
            cluster_id text        NOT NULL,
            silo       text        NOT NULL,
            etag       bigint      NOT NULL,
            status     int         NOT NULL,
            i_am_alive timestamptz NOT NULL,
            entry      bytea       NOT NULL,
            PRIMARY KEY (cluster_id, silo)
        );
        """;

    private readonly ResiliencePipeline _resilience = resilience ?? ResiliencePipeline.Empty;

    /// <summary>Opening a connection is retried on a transient failure; the statements are sent once.</summary>
    private ValueTask<NpgsqlConnection> OpenAsync() => _resilience.ExecuteAsync(ct => database.OpenConnectionAsync(ct));

    public Task InitializeMembershipTable(bool tryInitTableVersion) => RunAsync(async ct =>
    {
        await using (var command = database.CreateCommand($"SELECT pg_advisory_xact_lock(7310002); {Schema}"))
            await command.ExecuteNonQueryAsync(ct);
        if (!tryInitTableVersion) return;
        await using var init = database.CreateCommand("INSERT INTO cq_membership_version VALUES ($1, 0, 0) ON CONFLICT DO NOTHING");
        init.Parameters.AddWithValue(clusterId);
        await init.ExecuteNonQueryAsync(ct);
    });

    public Task DeleteMembershipTableEntries(string clusterId) => RunAsync(async ct =>
    {
        // One batch, one implicit transaction (a command with parameters takes one statement).
        await using var batch = database.CreateBatch();
        foreach (var table in new[] { "cq_membership", "cq_membership_version" })
        {
            var command = new NpgsqlBatchCommand($"DELETE FROM {table} WHERE cluster_id = $1");
            command.Parameters.AddWithValue(clusterId);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(ct);
    });

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => RunAsync(async ct =>
    {
        await using var command = database.CreateCommand("DELETE FROM cq_membership WHERE cluster_id = $1 AND status = $2 AND i_am_alive < $3");
        command.Parameters.AddWithValue(clusterId);
        command.Parameters.AddWithValue((int)SiloStatus.Dead);
        command.Parameters.AddWithValue(beforeDate.UtcDateTime);
        await command.ExecuteNonQueryAsync(ct);
    });

    public Task<MembershipTableData> ReadRow(SiloAddress key) => _resilience.ExecuteAsync(ct => new ValueTask<MembershipTableData>(ReadAsync(key, ct))).AsTask();

    public Task<MembershipTableData> ReadAll() => _resilience.ExecuteAsync(ct => new ValueTask<MembershipTableData>(ReadAsync(null, ct))).AsTask();

    /// <summary>An idempotent call, retried whole on a transient failure.</summary>
    private Task RunAsync(Func<CancellationToken, Task> call) => _resilience.ExecuteAsync(ct => new ValueTask(call(ct))).AsTask();

    private async Task<MembershipTableData> ReadAsync(SiloAddress? silo, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var version = new TableVersion(0, "0");
        await using (var read = new NpgsqlCommand("SELECT version, etag FROM cq_membership_version WHERE cluster_id = $1", connection, transaction))
        {
            read.Parameters.AddWithValue(clusterId);
            await using var reader = await read.ExecuteReaderAsync();
            if (await reader.ReadAsync()) version = new TableVersion(reader.GetInt32(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture));
        }
        var rows = new List<Tuple<MembershipEntry, string>>();
        await using (var read = new NpgsqlCommand(
            "SELECT entry, etag, i_am_alive FROM cq_membership WHERE cluster_id = $1" + (silo is null ? "" : " AND silo = $2"), connection, transaction))
        {
            read.Parameters.AddWithValue(clusterId);
            if (silo is not null) read.Parameters.AddWithValue(silo.ToParsableString());
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var entry = serializer.Deserialize<MembershipEntry>(reader.GetFieldValue<byte[]>(0))!;
                entry.IAmAliveTime = reader.GetFieldValue<DateTime>(2);
                rows.Add(Tuple.Create(entry, reader.GetInt64(1).ToString(CultureInfo.InvariantCulture)));
            }
        }
        await transaction.CommitAsync();
        return new MembershipTableData(rows, version);
    }

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => ChangeAsync(entry, null, tableVersion);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => ChangeAsync(entry, etag, tableVersion);

    /// <summary>Bumps the table version from the one the caller saw, and inserts or updates the row from the ETag it saw; all or nothing.</summary>
    private async Task<bool> ChangeAsync(MembershipEntry entry, string? etag, TableVersion tableVersion)
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var bump = new NpgsqlCommand(
            "UPDATE cq_membership_version SET version = $2, etag = etag + 1 WHERE cluster_id = $1 AND etag = $3", connection, transaction))
        {
            bump.Parameters.AddWithValue(clusterId);
            bump.Parameters.AddWithValue(tableVersion.Version);
            bump.Parameters.AddWithValue(long.Parse(tableVersion.VersionEtag, CultureInfo.InvariantCulture));
            if (await bump.ExecuteNonQueryAsync() != 1) return false;
        }
        var data = serializer.SerializeToArray(entry);
        var sql = etag is null
            ? "INSERT INTO cq_membership VALUES ($1, $2, 1, $3, $4, $5) ON CONFLICT DO NOTHING"
            : "UPDATE cq_membership SET etag = etag + 1, status = $3, i_am_alive = $4, entry = $5 WHERE cluster_id = $1 AND silo = $2 AND etag = $6";
        await using (var write = new NpgsqlCommand(sql, connection, transaction))
        {
            write.Parameters.AddWithValue(clusterId);
            write.Parameters.AddWithValue(entry.SiloAddress.ToParsableString());
            write.Parameters.AddWithValue((int)entry.Status);
            write.Parameters.AddWithValue(DateTime.SpecifyKind(entry.IAmAliveTime.ToUniversalTime(), DateTimeKind.Utc));
            write.Parameters.AddWithValue(data);
            if (etag is not null) write.Parameters.AddWithValue(long.Parse(etag, CultureInfo.InvariantCulture));
            if (await write.ExecuteNonQueryAsync() != 1) return false;
        }
        await transaction.CommitAsync();
        return true;
    }

    public Task UpdateIAmAlive(MembershipEntry entry) => RunAsync(async ct =>
    {
        await using var command = database.CreateCommand("UPDATE cq_membership SET i_am_alive = $3 WHERE cluster_id = $1 AND silo = $2");
        command.Parameters.AddWithValue(clusterId);
        command.Parameters.AddWithValue(entry.SiloAddress.ToParsableString());
        command.Parameters.AddWithValue(DateTime.SpecifyKind(entry.IAmAliveTime.ToUniversalTime(), DateTimeKind.Utc));
        await command.ExecuteNonQueryAsync(ct);
    });
}

using CounterQueue.Silo.Storage;
using System.Threading.Channels;
using CounterQueue.Domain.History;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Polly;

namespace CounterQueue.Silo.History;

/// <summary>
/// The history on PostgreSQL (cluster mode). Appends waiting at the same moment go out as one multi-row INSERT (group
/// commit, as the embedded store does); each event carries a key made when it was handed over, so a retried INSERT whose
/// first answer was lost adds nothing twice.
/// </summary>
public sealed class PostgresVisitHistory : IVisitHistory, IAsyncDisposable
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS cq_visit_event (
            seq           bigserial   PRIMARY KEY,
            event_key     uuid        NOT NULL UNIQUE,
            office_id     text        NOT NULL,
            day           date        NOT NULL,
            at            timestamptz NOT NULL,
            kind          text        NOT NULL,
            service_id    text        NULL,
            visit_id      text        NULL,
            number        text        NULL,
            counter_id    text        NULL,
            staff         text        NULL,
            step          text        NULL,
            to_service_id text        NULL,
            channel       text        NULL,
            assisted      boolean     NOT NULL DEFAULT false
        );
        CREATE INDEX IF NOT EXISTS cq_visit_event_by_day ON cq_visit_event (office_id, day);
        """;

    private const string Columns = "office_id, day, at, kind, service_id, visit_id, number, counter_id, staff, step, to_service_id, channel, assisted";
    private readonly NpgsqlDataSource _database;
    private readonly ResiliencePipeline _resilience;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly PostgresSchema _schema;

    public PostgresVisitHistory(NpgsqlDataSource database, ResiliencePipeline resilience, ILogger<PostgresVisitHistory> logger, bool enabled = true)
    {
        _database = database;
        _resilience = resilience;
        _logger = logger;
        _schema = new PostgresSchema(database, resilience, 7310002, Schema);
        Enabled = enabled;
        _writer = Task.Run(WriteLoopAsync);
    }

    public bool Enabled { get; }

    /// <summary>Makes sure of the table; a failed attempt is forgotten, so the next call tries again.</summary>
    private Task EnsureSchemaAsync() => _schema.EnsureAsync();

    public Task AppendAsync(IReadOnlyList<VisitEvent> events)
    {
        if (!Enabled || events.Count == 0) return Task.CompletedTask;
        var pending = new Pending(events.Select(e => (Guid.CreateVersion7(), e)).ToList());
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(PostgresVisitHistory));
        return pending.Completion.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 256 && _queue.Reader.TryRead(out var next)) batch.Add(next);
            try
            {
                await EnsureSchemaAsync();
                var rows = batch.SelectMany(p => p.Events).ToList();
                await _resilience.ExecuteAsync(async ct =>
                {
                    await using var command = _database.CreateCommand($"""
                        INSERT INTO cq_visit_event (event_key, {Columns})
                        SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::timestamptz[], $5::text[], $6::text[], $7::text[],
                                             $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::boolean[])
                        ON CONFLICT (event_key) DO NOTHING
                        """);
                    command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Key).ToArray() });
                    command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Event.OfficeId).ToArray() });
                    command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Event.Day).ToArray() });
                    command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Event.At.UtcDateTime).ToArray() });
                    command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Event.Kind).ToArray() });
                    foreach (var text in new Func<VisitEvent, string?>[] { e => e.ServiceId, e => e.VisitId, e => e.Number, e => e.CounterId, e => e.Staff, e => e.Step, e => e.ToServiceId, e => e.Channel })
                        command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => text(r.Event)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                    command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Event.Assisted).ToArray() });
                    await command.ExecuteNonQueryAsync(ct);
                });
                foreach (var p in batch) p.Completion.TrySetResult();
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Could not append {Count} visit events to the history", batch.Sum(p => p.Events.Count));
                foreach (var p in batch) p.Completion.TrySetException(e);
            }
        }
    }

    public async Task<IReadOnlyList<VisitEvent>> ReadAsync(string officeId, DateOnly from, DateOnly to, IReadOnlyCollection<string>? kinds = null,
        CancellationToken cancellationToken = default) =>
        kinds is null
            ? await QueryAsync("office_id = $1 AND day >= $2 AND day <= $3", [officeId, from, to], cancellationToken)
            : await QueryAsync("office_id = $1 AND day >= $2 AND day <= $3 AND kind = ANY($4)", [officeId, from, to, kinds.ToArray()], cancellationToken);

    public async Task<IReadOnlyList<VisitEvent>> ReadVisitAsync(string officeId, DateOnly day, string visitId, CancellationToken cancellationToken = default) =>
        await QueryAsync("office_id = $1 AND day >= $2 AND day <= $3 AND visit_id = $4", [officeId, day, day, visitId], cancellationToken);

    private async Task<List<VisitEvent>> QueryAsync(string where, object[] values, CancellationToken cancellationToken)
    {
        if (!Enabled) return [];
        await EnsureSchemaAsync();
        return await _resilience.ExecuteAsync(async ct =>
        {
            await using var command = _database.CreateCommand($"SELECT {Columns} FROM cq_visit_event WHERE {where} ORDER BY seq");
            foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
            await using var reader = await command.ExecuteReaderAsync(ct);
            var events = new List<VisitEvent>();
            while (await reader.ReadAsync(ct))
            {
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                events.Add(new VisitEvent(reader.GetString(3), new DateTimeOffset(reader.GetFieldValue<DateTime>(2), TimeSpan.Zero), reader.GetString(0),
                    reader.GetFieldValue<DateOnly>(1), Text(4), Text(5), Text(6), Text(7), Text(8), Text(9), Text(10), Text(11), reader.GetBoolean(12)));
            }
            return events;
        }, cancellationToken);
    }

    public async Task<bool> HasDayAsync(string officeId, DateOnly day, CancellationToken cancellationToken = default)
    {
        if (!Enabled) return false;
        await EnsureSchemaAsync();
        return await _resilience.ExecuteAsync(async ct =>
        {
            await using var command = _database.CreateCommand("SELECT EXISTS (SELECT 1 FROM cq_visit_event WHERE office_id = $1 AND day = $2)");
            command.Parameters.Add(new NpgsqlParameter { Value = officeId });
            command.Parameters.Add(new NpgsqlParameter { Value = day });
            return (bool)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);
    }

    public async Task<long> PruneAsync(DateOnly before, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync();
        await using var command = _database.CreateCommand("DELETE FROM cq_visit_event WHERE day < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = before });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private sealed record Pending(List<(Guid Key, VisitEvent Event)> Events)
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

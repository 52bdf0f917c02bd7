using System.Globalization;
using Orleans.Runtime;
using Orleans.Storage;

namespace CounterQueue.Silo.Storage;

/// <summary>
/// Orleans grain storage on the embedded <see cref="SqliteStore"/>, with optimistic concurrency:
/// the ETag is the row's version, and a write from a stale ETag fails with
/// <see cref="InconsistentStateException"/>. Clearing leaves a tombstone that keeps the version
/// counting, so an old ETag can never match again.
/// </summary>
/// <remarks>Each write records when the state may be deleted (<see cref="IStateExpiry"/>); <see cref="PruneExpiredAsync"/> deletes those past it.</remarks>
public sealed class SqliteGrainStorage(string name, SqliteStore store, IGrainStorageSerializer serializer, IStateExpiry? expiry = null)
    : IGrainStorage, IRecordSetStorage, IExpiredStatePruner
{
    private readonly IStateExpiry _expiry = expiry ?? KeepForever.Instance;

    public string Name { get; } = name;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await store.ReadAsync(stateName, grainId.ToString());
        if (stored is { Data: { } data } row)
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(data));
            grainState.ETag = Format(row.Version);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = stored is { } tombstone ? Format(tombstone.Version) : null;
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
        if (grainState.ETag is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
            return; // nothing was ever stored
        }
        grainState.ETag = Format(await WriteAsync(stateName, grainId, null, grainState.ETag));
        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }

    public async Task<RecordSet> ReadRecordSetAsync(string stateName, GrainId grainId)
    {
        var (header, records) = await store.ReadWithRecordsAsync(stateName, grainId.ToString());
        return new RecordSet(header?.Data, Format(header?.Version), records);
    }

    public async Task<string> WriteRecordSetAsync(string stateName, GrainId grainId, byte[] header,
        IReadOnlyList<KeyValuePair<string, byte[]>> records, string? etag, IReadOnlyList<CounterQueue.Domain.History.VisitEvent>? history = null) =>
        Format(await WriteAsync(stateName, grainId, header, etag, records, _expiry.ExpiresAt(stateName, grainId, null), history))!;

    public Task<long> PruneExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => store.PruneExpiredAsync(now, cancellationToken);

    /// <summary>
    /// The store's own task (it applies a state's writes in order, each adding one to the version, and fails a stale one with a
    /// <see cref="VersionConflictException"/>): nothing resumes on the grain when the write lands, and the request that waits
    /// for it (<see cref="PendingWrites"/>) resumes straight from the commit (issue #9).
    /// </summary>
    public Task WriteRecordSetInOrderAsync(string stateName, GrainId grainId, byte[] header,
        IReadOnlyList<KeyValuePair<string, byte[]>> records, string? etag, IReadOnlyList<CounterQueue.Domain.History.VisitEvent>? history = null) =>
        store.WriteAsync(stateName, grainId.ToString(), header, etag is null ? null : long.Parse(etag, CultureInfo.InvariantCulture), records,
            _expiry.ExpiresAt(stateName, grainId, null), history);

    /// <summary>Writes go to the store's one writer thread in the order they are started, and each adds one to the version.</summary>
    public string? NextETagIfOrdered(string? etag) =>
        Format((etag is null ? 0 : long.Parse(etag, CultureInfo.InvariantCulture)) + 1);

    private async Task<long> WriteAsync(string stateName, GrainId grainId, byte[]? data, string? etag,
        IReadOnlyList<KeyValuePair<string, byte[]>>? records = null, DateTimeOffset? expiresAt = null,
        IReadOnlyList<CounterQueue.Domain.History.VisitEvent>? history = null)
    {
        long? expected = etag is null ? null : long.Parse(etag, CultureInfo.InvariantCulture);
        try
        {
            return await store.WriteAsync(stateName, grainId.ToString(), data, expected, records, expiresAt, history);
        }
        catch (VersionConflictException conflict)
        {
            throw new InconsistentStateException(conflict.Message, Format(conflict.Stored), etag);
        }
    }

    private static string? Format(long? version) => version?.ToString(CultureInfo.InvariantCulture);
}

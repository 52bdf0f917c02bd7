namespace CounterQueue.Silo.Storage;

/// <summary>
/// A grain's state kept as a small header plus keyed records, so a change writes the header and the records it
/// touched, not the whole state: the cost of a write does not grow with the records around it. The header is an
/// ordinary versioned state row (same ETag rules as <see cref="Orleans.Storage.IGrainStorage"/>); the records are
/// written in the same transaction as the header, and only when its version check passes.
/// </summary>
public interface IRecordSetStorage
{
    /// <summary>The header (null if never written), its ETag, and every record, read as of one moment.</summary>
    Task<RecordSet> ReadRecordSetAsync(string stateName, GrainId grainId);

    /// <summary>
    /// Writes the header if its stored version is <paramref name="etag"/> (null: none yet) and upserts
    /// <paramref name="records"/> by key, atomically; returns the new ETag once durable. A stale ETag fails with
    /// <see cref="Orleans.Storage.InconsistentStateException"/> and changes nothing.
    /// </summary>
    /// <param name="history">
    /// Visit events to append in the same transaction, only if the write is applied (so a refused write leaves no events).
    /// Only a storage that orders writes (<see cref="NextETagIfOrdered"/>) keeps them; others are given none, and the caller
    /// appends them to the history after the write.
    /// </param>
    Task<string> WriteRecordSetAsync(string stateName, GrainId grainId, byte[] header,
        IReadOnlyList<KeyValuePair<string, byte[]>> records, string? etag, IReadOnlyList<CounterQueue.Domain.History.VisitEvent>? history = null);

    /// <summary>
    /// If this storage applies the writes of one state in the order they were started, the ETag a write from
    /// <paramref name="etag"/> will have once it succeeds: the next write may then start at once, from that ETag,
    /// without waiting for this one to be durable (if this one fails, that one fails too, since its ETag can never
    /// match). Null if writes are not ordered: each must then wait for the one before.
    /// </summary>
    string? NextETagIfOrdered(string? etag);

    /// <summary>
    /// On a storage that orders writes (<see cref="NextETagIfOrdered"/> is not null): <see cref="WriteRecordSetAsync"/>, as a task
    /// that completes once durable with the ETag <see cref="NextETagIfOrdered"/> gave for <paramref name="etag"/>, or fails with
    /// <see cref="Orleans.Storage.InconsistentStateException"/>. A storage may hand over its own task (no await on the way).
    /// </summary>
    async Task WriteRecordSetInOrderAsync(string stateName, GrainId grainId, byte[] header,
        IReadOnlyList<KeyValuePair<string, byte[]>> records, string? etag, IReadOnlyList<CounterQueue.Domain.History.VisitEvent>? history = null)
    {
        var expected = NextETagIfOrdered(etag) ?? throw new NotSupportedException("This storage does not order writes.");
        var stored = await WriteRecordSetAsync(stateName, grainId, header, records, etag, history);
        if (stored != expected) throw new Orleans.Storage.InconsistentStateException($"The state was stored at {stored}, not {expected}.", stored, expected);
    }
}

/// <summary>A record set as stored: the header, its ETag, and the records' payloads.</summary>
public sealed record RecordSet(byte[]? Header, string? ETag, IReadOnlyList<byte[]> Records);

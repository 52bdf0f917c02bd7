using CounterQueue.Domain.Idempotency;

namespace CounterQueue.Silo.Idempotency;

[GenerateSerializer, Immutable, Alias("cq.idemDecision")]
public sealed record IdempotencyDecision(
    [property: Id(0)] IdempotencyOutcome Outcome,
    [property: Id(1)] string OperationId,
    [property: Id(2)] int? Status,
    [property: Id(3)] string? Body,
    [property: Id(4)] string? Location);

/// <summary>
/// One Idempotency-Key within a scope, keyed "scope|key". It fixes the id of what the request
/// creates before the request runs, so a retry (even after a crash half-way) creates the same thing
/// again, which the creating grain recognises; then it keeps the response for 24 hours.
/// </summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>Decides what a request with this key does. <paramref name="proposedOperationId"/> becomes the
    /// operation id when the key is new; a retry gets the id of the first attempt.</summary>
    Task<IdempotencyDecision> BeginAsync(string fingerprint, string proposedOperationId);
    Task CompleteAsync(int status, string body, string? location);
    /// <summary>The request was refused (4xx): forget the key so a retry is decided afresh.</summary>
    Task AbandonAsync();
}

public sealed class IdempotencyState
{
    public IdempotencyRecord? Record { get; set; }
}

public sealed class IdempotencyGrain(
    [PersistentState("idempotency", StorageNames.Queue)] IPersistentState<IdempotencyState> state,
    TimeProvider time) : Grain, IIdempotencyGrain
{
    public async Task<IdempotencyDecision> BeginAsync(string fingerprint, string proposedOperationId)
    {
        var (outcome, record) = IdempotencyRules.Begin(state.State.Record, fingerprint, time.GetUtcNow(), proposedOperationId);
        if (!ReferenceEquals(record, state.State.Record))
        {
            state.State.Record = record;
            await state.WriteStateAsync();
        }
        return new IdempotencyDecision(outcome, record.OperationId, record.Status, record.Body, record.Location);
    }

    public async Task CompleteAsync(int status, string body, string? location)
    {
        if (state.State.Record is not { } record) return;
        record.Status = status;
        record.Body = body;
        record.Location = location;
        await state.WriteStateAsync();
    }

    public async Task AbandonAsync()
    {
        if (state.State.Record is null) return;
        state.State.Record = null;
        await state.WriteStateAsync();
        DeactivateOnIdle();
    }
}

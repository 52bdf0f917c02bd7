using CounterQueue.Domain.Idempotency;

namespace CounterQueue.Silo.Idempotency;

public sealed class IdempotencyGrain(
    [PersistentState("idempotency", StorageNames.Queue)] IPersistentState<IdempotencyState> state,
    TimeProvider time) : Grain, IIdempotencyGrain
{
    public async Task<IdempotencyDecision> BeginAsync(string fingerprint, string proposedOperationId)
    {
        try
        {
            return await DecideAsync(fingerprint, proposedOperationId);
        }
        catch (Orleans.Storage.InconsistentStateException)
        {
            // The stored record outlived its window and was deleted (retention) while this activation still held it.
            await state.ReadStateAsync();
            return await DecideAsync(fingerprint, proposedOperationId);
        }
    }

    private async Task<IdempotencyDecision> DecideAsync(string fingerprint, string proposedOperationId)
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

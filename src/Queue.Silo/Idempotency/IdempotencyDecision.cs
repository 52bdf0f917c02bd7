using CounterQueue.Domain.Idempotency;

namespace CounterQueue.Silo.Idempotency;

[GenerateSerializer, Immutable, Alias("cq.idemDecision")]
public sealed record IdempotencyDecision(
    [property: Id(0)] IdempotencyOutcome Outcome,
    [property: Id(1)] string OperationId,
    [property: Id(2)] int? Status,
    [property: Id(3)] string? Body,
    [property: Id(4)] string? Location);

using CounterQueue.Domain.Idempotency;

namespace CounterQueue.Silo.Idempotency;

public sealed class IdempotencyState
{
    public IdempotencyRecord? Record { get; set; }
}

namespace CounterQueue.Domain.Idempotency;

/// <summary>
/// What is remembered for one Idempotency-Key: the request's fingerprint, the id the operation
/// creates (fixed before it runs, so a retry after a crash creates the same thing), and the response.
/// </summary>
public sealed class IdempotencyRecord
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public required string Fingerprint { get; init; }
    public required string OperationId { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public int? Status { get; set; }
    /// <summary>The first response, replayed to a retry: a booking's carries its contact details.</summary>
    [PersonalData]
    public string? Body { get; set; }
    public string? Location { get; set; }

    public bool IsExpired(DateTimeOffset now) => now - StartedAt >= Lifetime;
}

public enum IdempotencyOutcome
{
    /// <summary>First use of the key: run the operation with the given operation id.</summary>
    Run,
    /// <summary>The key was used with the same request and finished: replay the response.</summary>
    Replay,
    /// <summary>The key was used with a different request.</summary>
    Mismatch,
}

public static class IdempotencyRules
{
    /// <summary>Decides what a request with a key does; starts a new record when the key is new or expired.</summary>
    public static (IdempotencyOutcome Outcome, IdempotencyRecord Record) Begin(IdempotencyRecord? existing,
        string fingerprint, DateTimeOffset now, string proposedOperationId)
    {
        if (existing is null || existing.IsExpired(now))
            return (IdempotencyOutcome.Run, new IdempotencyRecord { Fingerprint = fingerprint, OperationId = proposedOperationId, StartedAt = now });
        if (existing.Fingerprint != fingerprint) return (IdempotencyOutcome.Mismatch, existing);
        // An earlier attempt may have died half-way: running again with the same operation id is safe.
        return (existing.Status is null ? IdempotencyOutcome.Run : IdempotencyOutcome.Replay, existing);
    }
}

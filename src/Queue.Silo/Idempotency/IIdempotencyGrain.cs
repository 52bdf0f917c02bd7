using CounterQueue.Domain.Idempotency;

namespace CounterQueue.Silo.Idempotency;

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

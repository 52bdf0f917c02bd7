namespace CounterQueue.Silo.Infrastructure;

/// <summary>
/// Combines the state writes of a reentrant grain: while one write is in flight, every change made
/// meanwhile waits for the single write that starts after it. Each caller's change is durable when
/// its task completes, and the grain never has two writes of its state in flight at once.
/// Must be used from the grain's own scheduler (it is not thread-safe, and need not be).
/// </summary>
/// <param name="write">The grain state's write.</param>
/// <param name="onFailure">
/// Runs when a write fails, before its callers see the failure: a grain passes <c>DeactivateOnIdle</c>, since its
/// in-memory state may then be ahead of storage and the next activation must reload what is durable.
/// </param>
public sealed class WriteBatcher(Func<Task> write, Action? onFailure = null)
{
    private Task _inFlight = Task.CompletedTask;
    private Task? _queued;

    /// <summary>Completes once a write that started after this call is durable; a failure is reported to every caller it covered.</summary>
    public async Task WriteAsync()
    {
        try
        {
            await ShareWriteAsync();
        }
        catch
        {
            onFailure?.Invoke();
            throw;
        }
    }

    private Task ShareWriteAsync()
    {
        if (_queued is not null) return _queued; // not started yet: it will carry this change too
        if (_inFlight.IsCompleted)
        {
            _inFlight = write(); // the state is captured when the write starts
            return _inFlight;
        }
        _queued = WriteAfterInFlightAsync();
        return _queued;
    }

    private async Task WriteAfterInFlightAsync()
    {
        try
        {
            await _inFlight;
        }
        catch
        {
            // That write's own callers saw its failure; this one still has to be attempted for ours.
        }
        var next = write();
        _inFlight = next;
        _queued = null;
        await next;
    }
}

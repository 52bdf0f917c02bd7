using System.Collections.Concurrent;

namespace CounterQueue.Silo.Storage;

/// <summary>
/// Writes a grain handed to the embedded store and answered before they landed, for its caller in this same process to wait
/// on. Ticket issue's path: the line hands the ticket's write to the store and ends its turn at once, and the web request
/// waits for the disk itself, instead of the line's turn resuming on its scheduler when the write lands only to pass the
/// answer on (a thread-pool hop and several async resumptions fewer per ticket; issue #9). A caller asks for it by sending
/// <see cref="HostId"/>; a grain in another process (cluster mode) sees a different id and waits for its own write before
/// answering, as it does for every other caller. Acknowledged still means durable: the caller answers only after
/// <see cref="WhenStoredAsync"/>.
/// </summary>
public sealed class PendingWrites
{
    private readonly ConcurrentDictionary<string, Task> _writes = new(StringComparer.Ordinal);

    /// <summary>This process's id: a grain compares its caller's with its own.</summary>
    public Guid HostId { get; } = Guid.NewGuid();

    /// <summary>Whether a caller that sent <paramref name="callerHost"/> is in this process (so it will wait here).</summary>
    public bool IsHere(Guid? callerHost) => callerHost == HostId;

    /// <summary>The grain's side: the write its answer for <paramref name="key"/> still depends on.</summary>
    public void Add(string key, Task write) => _writes[key] = write;

    /// <summary>The caller's side, once the grain answered: completes when that answer's write is durable (at once if the
    /// grain waited for it itself), and fails as the write did.</summary>
    public Task WhenStoredAsync(string key) => _writes.TryRemove(key, out var write) ? write : Task.CompletedTask;

    /// <summary>Writes handed over and not yet asked for (a caller always asks: this stays at zero or near it).</summary>
    public int Count => _writes.Count;
}

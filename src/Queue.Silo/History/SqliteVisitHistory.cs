using CounterQueue.Domain.History;
using CounterQueue.Silo.Storage;

namespace CounterQueue.Silo.History;

/// <summary>The history in the embedded store: appends join the store's group commit (one fsync for all of them).</summary>
public sealed class SqliteVisitHistory(SqliteStore store, bool enabled = true) : IVisitHistory
{
    public bool Enabled => enabled;

    public Task AppendAsync(IReadOnlyList<VisitEvent> events) => enabled ? store.AppendHistoryAsync(events) : Task.CompletedTask;

    public async Task<IReadOnlyList<VisitEvent>> ReadAsync(string officeId, DateOnly from, DateOnly to, IReadOnlyCollection<string>? kinds = null,
        CancellationToken cancellationToken = default) =>
        await store.ReadHistoryAsync(officeId, from, to, kinds: kinds);

    public async Task<IReadOnlyList<VisitEvent>> ReadVisitAsync(string officeId, DateOnly day, string visitId, CancellationToken cancellationToken = default) =>
        await store.ReadHistoryAsync(officeId, day, day, visitId);

    public Task<bool> HasDayAsync(string officeId, DateOnly day, CancellationToken cancellationToken = default) => store.HasHistoryAsync(officeId, day);

    public Task<long> PruneAsync(DateOnly before, CancellationToken cancellationToken = default) => store.PruneHistoryAsync(before);
}

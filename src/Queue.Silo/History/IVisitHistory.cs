using CounterQueue.Domain.History;

namespace CounterQueue.Silo.History;

/// <summary>
/// The visit history (来庁記録): every ticket, booking and counter event, appended durably in the grains' own store
/// (the embedded SQLite file, or PostgreSQL in cluster mode) and read back for journeys, forecasts and reports.
/// </summary>
public interface IVisitHistory
{
    /// <summary>Whether events are kept (Queue:HistoryEnabled); when not, appends do nothing and reads find nothing.</summary>
    bool Enabled { get; }

    /// <summary>
    /// Appends events; completes once they are durable. Appends from many grains share the store's commits (batched
    /// off the grains' turn: a grain hands its events over with its own write and waits for both together).
    /// </summary>
    Task AppendAsync(IReadOnlyList<VisitEvent> events);

    /// <summary>An office's events of the days <paramref name="from"/> to <paramref name="to"/> (inclusive), in the order they were stored.</summary>
    /// <param name="kinds">Only events of these kinds (all when null): a forecast needs only issues and calls.</param>
    Task<IReadOnlyList<VisitEvent>> ReadAsync(string officeId, DateOnly from, DateOnly to, IReadOnlyCollection<string>? kinds = null,
        CancellationToken cancellationToken = default);

    /// <summary>One visit's events (a ticket id or booking id) of one office and day, in the order they were stored.</summary>
    Task<IReadOnlyList<VisitEvent>> ReadVisitAsync(string officeId, DateOnly day, string visitId, CancellationToken cancellationToken = default);

    Task<bool> HasDayAsync(string officeId, DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>Deletes the events of days before <paramref name="before"/>; returns how many.</summary>
    Task<long> PruneAsync(DateOnly before, CancellationToken cancellationToken = default);
}

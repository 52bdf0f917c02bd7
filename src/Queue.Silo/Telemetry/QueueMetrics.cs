using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CounterQueue.Domain.Tickets;

namespace CounterQueue.Silo.Telemetry;

/// <summary>
/// OpenTelemetry metrics of the queue (meter "CounterQueue"): tickets issued and called, the time
/// each waited, and — as gauges — how many wait now and the estimated wait, per office and service.
/// </summary>
public sealed class QueueMetrics
{
    public const string MeterName = "CounterQueue";
    private readonly Counter<long> _issued;
    private readonly Counter<long> _called;
    private readonly Histogram<double> _wait;
    private readonly ConcurrentDictionary<(string Office, string Service), LineReading> _lines = new();

    public QueueMetrics(IMeterFactory meters, IServiceProvider services)
    {
        var meter = meters.Create(MeterName);
        _issued = meter.CreateCounter<long>("queue.tickets.issued", "{ticket}", "Tickets issued");
        _called = meter.CreateCounter<long>("queue.tickets.called", "{ticket}", "Tickets called to a counter");
        _wait = meter.CreateHistogram<double>("queue.wait.duration", "min", "Time from joining the line to being called");
        meter.CreateObservableGauge("queue.waiting", () => Observe(l => l.Waiting), "{ticket}", "Tickets waiting now");
        meter.CreateObservableGauge("queue.wait.estimated", () => Observe(l => l.EstimatedMinutes), "min", "Estimated wait for a ticket issued now");
        // The embedded store's group commit (none in cluster mode): writes ÷ commits is how many writes share an fsync.
        var store = new Lazy<Storage.SqliteStore?>(() => (Storage.SqliteStore?)services.GetService(typeof(Storage.SqliteStore)));
        meter.CreateObservableCounter("queue.store.commits", () => ObserveStore(store.Value?.Commits), "{commit}", "Transactions the embedded store committed (one fsync each)");
        meter.CreateObservableCounter("queue.store.writes", () => ObserveStore(store.Value?.WritesCommitted), "{write}", "Writes the embedded store committed (state changes and history and audit appends)");
        meter.CreateObservableCounter("queue.store.writer.time", () => ObserveWriter(store.Value), "s",
            "Time the embedded store's writer spent in its commits, by phase: apply (checking versions, inserting rows), fold (moving the log into the tables), commit (writing the WAL and syncing it to the disk)");
    }

    private IEnumerable<Measurement<int>> Observe(Func<(DateOnly Day, int Waiting, int EstimatedMinutes), int> value) =>
        _lines.Select(l => new Measurement<int>(value(l.Value.Read()), Tags(l.Key.Office, l.Key.Service)));

    private static IEnumerable<Measurement<long>> ObserveStore(long? value) => value is { } v ? [new Measurement<long>(v)] : [];

    private static IEnumerable<Measurement<double>> ObserveWriter(Storage.SqliteStore? store)
    {
        if (store is null) return [];
        var (apply, fold, commit) = store.WriterTime;
        return
        [
            new(apply.TotalSeconds, new KeyValuePair<string, object?>("phase", "apply")),
            new(fold.TotalSeconds, new KeyValuePair<string, object?>("phase", "fold")),
            new(commit.TotalSeconds, new KeyValuePair<string, object?>("phase", "commit")),
        ];
    }

    public void TicketIssued(string officeId, string serviceId, Priority priority) =>
        _issued.Add(1, new("office", officeId), new("service", serviceId), new("priority", priority == Priority.Assisted ? "assisted" : "normal")); // no array per ticket

    public void TicketCalled(string officeId, string serviceId, TimeSpan waited)
    {
        var tags = Tags(officeId, serviceId);
        _called.Add(1, tags);
        _wait.Record(waited.TotalMinutes, tags);
    }

    /// <summary>A line reports its length after each change (today's lines only).</summary>
    public void LineChanged(string officeId, string serviceId, DateOnly day, int waiting, int estimatedMinutes)
    {
        // Updated in place: nothing allocated per change. A reading retired by a closing line is removed and replaced.
        var key = (officeId, serviceId);
        LineReading reading;
        while (!(reading = _lines.GetOrAdd(key, static _ => new LineReading())).TryUpdate(day, waiting, estimatedMinutes))
            _lines.TryRemove(new KeyValuePair<(string, string), LineReading>(key, reading));
    }

    /// <summary>A line went away: forget it, unless a newer day's line has reported since.</summary>
    public void LineClosed(string officeId, string serviceId, DateOnly day)
    {
        if (_lines.TryGetValue((officeId, serviceId), out var reading) && reading.TryRetire(day))
            _lines.TryRemove(new KeyValuePair<(string, string), LineReading>((officeId, serviceId), reading));
    }

    /// <summary>A line's latest figures; a newer day's line wins over an older one still reporting.</summary>
    private sealed class LineReading
    {
        private readonly Lock _gate = new();
        private (DateOnly Day, int Waiting, int EstimatedMinutes) _value;
        private bool _retired;

        public (DateOnly Day, int Waiting, int EstimatedMinutes) Read()
        {
            lock (_gate) return _value;
        }

        /// <summary>False once retired: the caller adds a new reading.</summary>
        public bool TryUpdate(DateOnly day, int waiting, int estimatedMinutes)
        {
            lock (_gate)
            {
                if (_retired) return false;
                if (day >= _value.Day) _value = (day, waiting, estimatedMinutes);
                return true;
            }
        }

        /// <summary>Retires the reading if it is still the given day's (no newer day's line has reported since).</summary>
        public bool TryRetire(DateOnly day)
        {
            lock (_gate)
            {
                if (_value.Day != day) return false;
                _retired = true;
                return true;
            }
        }
    }

    private static KeyValuePair<string, object?>[] Tags(string officeId, string serviceId) =>
        [new("office", officeId), new("service", serviceId)];
}

using System.Diagnostics.Metrics;
using CounterQueue.Domain.Tickets;

namespace CounterQueue.Silo.Telemetry;

/// <summary>OpenTelemetry metrics of the queue (meter "CounterQueue").</summary>
public sealed class QueueMetrics
{
    public const string MeterName = "CounterQueue";
    private readonly Counter<long> _issued;
    private readonly Counter<long> _called;
    private readonly Histogram<double> _wait;
    private readonly UpDownCounter<long> _waiting;

    public QueueMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _issued = meter.CreateCounter<long>("queue.tickets.issued", "{ticket}", "Tickets issued");
        _called = meter.CreateCounter<long>("queue.tickets.called", "{ticket}", "Tickets called to a counter");
        _wait = meter.CreateHistogram<double>("queue.wait.duration", "min", "Time from joining the line to being called");
        _waiting = meter.CreateUpDownCounter<long>("queue.waiting", "{ticket}", "Tickets waiting in lines");
    }

    public void TicketIssued(string officeId, string serviceId, Priority priority)
    {
        var tags = Tags(officeId, serviceId);
        _issued.Add(1, [.. tags, new("priority", priority == Priority.Assisted ? "assisted" : "normal")]);
        _waiting.Add(1, tags);
    }

    public void TicketCalled(string officeId, string serviceId, TimeSpan waited)
    {
        var tags = Tags(officeId, serviceId);
        _called.Add(1, tags);
        _waiting.Add(-1, tags);
        _wait.Record(waited.TotalMinutes, tags);
    }

    private static KeyValuePair<string, object?>[] Tags(string officeId, string serviceId) =>
        [new("office", officeId), new("service", serviceId)];
}

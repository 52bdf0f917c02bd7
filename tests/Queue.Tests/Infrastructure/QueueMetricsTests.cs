using System.Diagnostics.Metrics;
using CounterQueue.Silo.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace CounterQueue.Tests.Infrastructure;

/// <summary>
/// The lines' gauges (queue.waiting, queue.wait.estimated): each line's latest figures, a newer day's line winning over an
/// older one that still reports or closes late. Read through a real MeterListener, as an exporter reads them.
/// </summary>
public sealed class QueueMetricsTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 28);
    private readonly ServiceProvider _services;
    private readonly QueueMetrics _metrics;

    public QueueMetricsTests()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _metrics = new QueueMetrics(_services.GetRequiredService<IMeterFactory>(), _services);
    }

    /// <summary>The gauges' current values by "office/service": (waiting, estimated minutes).</summary>
    private Dictionary<string, (int Waiting, int Minutes)> Gauges()
    {
        var waiting = new Dictionary<string, int>();
        var minutes = new Dictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == QueueMetrics.MeterName && instrument.Name is "queue.waiting" or "queue.wait.estimated") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            var line = $"{tags.ToArray().Single(t => t.Key == "office").Value}/{tags.ToArray().Single(t => t.Key == "service").Value}";
            (instrument.Name == "queue.waiting" ? waiting : minutes)[line] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal(waiting.Keys.Order(), minutes.Keys.Order());
        return waiting.ToDictionary(w => w.Key, w => (w.Value, minutes[w.Key]));
    }

    [Fact]
    public void Each_line_shows_its_latest_figures_until_it_closes()
    {
        _metrics.LineChanged("o1", "resident", Today, 3, 15);
        _metrics.LineChanged("o1", "tax", Today, 1, 5);
        _metrics.LineChanged("o1", "resident", Today, 4, 20);
        Assert.Equal(new Dictionary<string, (int, int)> { ["o1/resident"] = (4, 20), ["o1/tax"] = (1, 5) }, Gauges());

        _metrics.LineClosed("o1", "resident", Today);
        Assert.Equal(new Dictionary<string, (int, int)> { ["o1/tax"] = (1, 5) }, Gauges());

        _metrics.LineChanged("o1", "resident", Today, 2, 10); // the line came back (activated again)
        Assert.Equal((2, 10), Gauges()["o1/resident"]);
    }

    [Fact]
    public void A_newer_days_line_wins_over_the_old_day_reporting_or_closing_late()
    {
        _metrics.LineChanged("o1", "resident", Today.AddDays(-1), 9, 45);
        _metrics.LineChanged("o1", "resident", Today, 1, 5);
        _metrics.LineChanged("o1", "resident", Today.AddDays(-1), 8, 40); // yesterday's line, still in memory
        Assert.Equal((1, 5), Gauges()["o1/resident"]);

        _metrics.LineClosed("o1", "resident", Today.AddDays(-1)); // yesterday's line leaves memory
        Assert.Equal((1, 5), Gauges()["o1/resident"]);

        _metrics.LineChanged("o1", "resident", Today, 0, 0);
        Assert.Equal((0, 0), Gauges()["o1/resident"]);
    }

    public void Dispose() => _services.Dispose();
}

using System.Diagnostics.Metrics;
using CounterQueue.Silo.Storage;
using CounterQueue.Silo.Telemetry;
using CounterQueue.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CounterQueue.Tests.Storage;

/// <summary>
/// The embedded store's writer counts its time in its commits by phase (apply, fold, commit), and /metrics shows it as
/// queue.store.writer.time with a phase tag: how busy the one writer thread is (issue #9 reads it per write, beside the
/// durable ceiling's). Read through a real MeterListener, as the exporter reads it.
/// </summary>
public sealed class SqliteWriterTimeTests : IDisposable
{
    private readonly TempDirectory _directory = new("writer-time");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_writer_counts_its_time_applying_and_committing_and_folding_only_when_it_folds()
    {
        using var store = new SqliteStore(Path.Combine(_directory.Path, "queue.db"), NullLogger<SqliteStore>.Instance, foldEvery: 8);
        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero), store.WriterTime);

        await store.WriteAsync("s", "g0", [1], null);
        var (apply, fold, commit) = store.WriterTime;
        Assert.True(apply > TimeSpan.Zero, "applying a write takes time");
        Assert.True(commit > TimeSpan.Zero, "committing (and syncing) takes time");
        Assert.Equal(TimeSpan.Zero, fold); // one logged row: nothing folded yet
        Assert.Equal(0, store.Folds);

        for (var i = 1; i < 12; i++) await store.WriteAsync("s", $"g{i}", [1], null); // one commit each: past 8 rows the log folds
        Assert.True(store.Folds > 0);
        var after = store.WriterTime;
        Assert.True(after.Fold > TimeSpan.Zero, "a fold's time is counted as folding");
        Assert.True(after.Apply > apply && after.Commit > commit, "the time only grows");
    }

    [Fact]
    public async Task Metrics_show_the_writers_time_by_phase()
    {
        await using var services = new ServiceCollection().AddMetrics()
            .AddSingleton(_ => new SqliteStore(Path.Combine(_directory.Path, "metrics.db"), NullLogger<SqliteStore>.Instance))
            .BuildServiceProvider();
        var metrics = new QueueMetrics(services.GetRequiredService<IMeterFactory>(), services);
        var store = services.GetRequiredService<SqliteStore>();
        await store.WriteAsync("s", "g", [1], null);

        var phases = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == QueueMetrics.MeterName && instrument.Name == "queue.store.writer.time") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => phases[(string)tags.ToArray().Single(t => t.Key == "phase").Value!] = value);
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(["apply", "commit", "fold"], phases.Keys.Order());
        var (apply, fold, commit) = store.WriterTime;
        Assert.True(phases["apply"] > 0 && phases["commit"] > 0);
        Assert.True(phases["apply"] <= apply.TotalSeconds && phases["commit"] <= commit.TotalSeconds && phases["fold"] <= fold.TotalSeconds);
        GC.KeepAlive(metrics);
    }
}

using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Analysis;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace CounterQueue.Benchmarks;

/// <summary>
/// `--gc` on the http benchmark: every garbage collection of the app while it is measured, read from the runtime's own
/// events (an EventPipe session on the app's process, the GC keyword at the informational level: what `dotnet-trace
/// collect --providers Microsoft-Windows-DotNETRuntime:0x1:4` records), summed by generation and kind, with the longest
/// pauses and when they came. The p99 of ticket issue is mostly these pauses (docs/performance.md, tenth pass).
/// </summary>
public sealed class GcTrace : IAsyncDisposable
{
    private readonly EventPipeSession _session;
    private readonly Task _reading;
    private readonly List<(double AtSeconds, int Generation, string Kind, double PauseMs, double DurationMs)> _collections = [];
    private readonly System.Diagnostics.Stopwatch _elapsed = System.Diagnostics.Stopwatch.StartNew();
    private bool _stopped;

    private GcTrace(int processId)
    {
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC);
        _session = new DiagnosticsClient(processId).StartEventPipeSession([provider], requestRundown: false);
        var source = new EventPipeEventSource(_session.EventStream);
        source.NeedLoadedDotNetRuntimes();
        source.AddCallbackOnProcessStart(process => process.AddCallbackOnDotNetRuntimeLoad(runtime => runtime.GCEnd += (_, gc) =>
        {
            lock (_collections) _collections.Add((gc.StartRelativeMSec / 1000, gc.Generation, gc.Type.ToString(), gc.PauseDurationMSec, gc.DurationMSec));
        }));
        _reading = Task.Run(() =>
        {
            try { source.Process(); }
            catch (Exception e) when (e is EndOfStreamException or FormatException or IOException) { } // the session ended mid-block
        });
    }

    public static GcTrace Start(int processId) => new(processId);

    /// <summary>Ends the session and sums up what it saw since it started.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        var seconds = _elapsed.Elapsed.TotalSeconds;
        await DisposeAsync();
        List<(double AtSeconds, int Generation, string Kind, double PauseMs, double DurationMs)> all;
        lock (_collections) all = [.. _collections];
        var total = all.Sum(c => c.PauseMs);
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"GC of the app over the {seconds:F0} s measured: {all.Count} collections, {total:F0} ms of pauses ({100 * total / (seconds * 1000):F1} % of the time)"),
        };
        foreach (var group in all.GroupBy(c => (c.Generation, c.Kind)).OrderBy(g => g.Key.Generation).ThenBy(g => g.Key.Kind))
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  generation {group.Key.Generation}, {group.Key.Kind}: {group.Count()}, pauses {group.Sum(c => c.PauseMs):F0} ms, mean {group.Average(c => c.PauseMs):F1} ms, longest {group.Max(c => c.PauseMs):F1} ms"));
        foreach (var longest in all.OrderByDescending(c => c.PauseMs).Take(3))
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  one of the longest: {longest.PauseMs:F1} ms, generation {longest.Generation} ({longest.Kind}), {longest.AtSeconds:F0} s in"));
        // A background collection pauses little but takes a core for its whole length: on two cores, that is felt.
        foreach (var full in all.Where(c => c.Generation == 2))
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  generation 2 ({full.Kind}) {full.AtSeconds:F1} s in: {full.DurationMs:F0} ms from start to end, {full.PauseMs:F1} ms paused"));
        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        try { await _session.StopAsync(CancellationToken.None); } catch (ServerNotAvailableException) { } // the app already exited
        await _reading;
        _session.Dispose();
    }
}

using System.Diagnostics;
using System.Net;
using CounterQueue.Benchmarks;
using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.Tickets;
using CounterQueue.Silo;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Storage;
using CounterQueue.Silo.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// Benchmarks. Every figure is printed next to its baseline or ceiling from the same run, because these
// machines are noisy: compare the ratios, not the absolute numbers. See docs/performance.md.
//   (none)  durable writes with and without group commit; ticket issue through the grains in-process
//   hub     call → TicketCalled at lobby clients beside a bare SignalR hub   [--clients 1,200,1000] [--calls 200]
//   http    ticket issue over HTTP (wrk) beside its ceilings                 [--window 10] [--windows 6] [--connections 32] [--no-ceilings] [--gc]
//   history ticket issue over HTTP with the visit history on beside off     [--window 10] [--rounds 3]
//   ab      ticket issue over HTTP, this build beside another (alternating) [--baseline DIR] [--rounds 3] [--window 10] [--env NAME=VALUE]
//   mix     a lobby at its peak, per operation                               [--seconds 30] [--visitors 48] [--phones 200]
//   soak    memory over a steady day (--cross-midnight: the app clock starts 23:57) [--minutes 10] [--rate 20] [--cross-midnight]
//   line    one line's busy day and its restart                              [--tickets 20000]
//   rules   the queue rules with BenchmarkDotNet                             [BenchmarkDotNet arguments]
//   all     every one of the above after another, with their defaults (about 20 minutes; soak [--minutes 10] across midnight)
switch (args.FirstOrDefault())
{
    case "all":
        await HttpThroughput.RunAsync([]);
        await HttpThroughput.CompareHistoryAsync([]);
        await MixedLoad.RunAsync([]);
        await HubLatency.RunAsync([]);
        await LineGrowth.RunAsync([], Argument);
        await Soak.RunAsync(["--minutes", Bench.Option(args, "--minutes", "10"), "--cross-midnight"]);
        RuleBenchmarks.Run([]);
        return;
    case "bare-hub-server": await BareHub.ServeAsync(args); return;
    case "hub": await HubLatency.RunAsync(args); return;
    case "http": await HttpThroughput.RunAsync(args); return;
    case "history": await HttpThroughput.CompareHistoryAsync(args); return;
    case "ab": await HttpThroughput.CompareBuildsAsync(args); return;
    case "mix": await MixedLoad.RunAsync(args); return;
    case "soak": await Soak.RunAsync(args); return;
    case "line": await LineGrowth.RunAsync(args, Argument); return;
    case "rules": RuleBenchmarks.Run(args[1..]); return;
}
var seconds = Argument("--seconds", 5);
var writers = Argument("--writers", 64);
var tickets = Argument("--tickets", 2000);
var root = Path.Combine(Path.GetTempPath(), "counterqueue-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(root);
var payload = new byte[600]; // about the size of a small line's state
Random.Shared.NextBytes(payload);

Console.WriteLine($"Durable writes: {writers} concurrent writers for {seconds} s each, {payload.Length}-byte states, WAL + synchronous=FULL");
var naive = new NaiveStore(Path.Combine(root, "naive.db"));
var baseline = await MeasureAsync("one transaction per write (baseline)", (grain, _) => naive.WriteAsync("s", grain, payload));
naive.Dispose();

var store = new SqliteStore(Path.Combine(root, "group.db"), NullLogger<SqliteStore>.Instance);
var versions = new Dictionary<string, long>();
var group = await MeasureAsync("group commit (SqliteStore)", async (grain, i) =>
{
    long? expected = i == 0 ? null : i;
    return await store.WriteAsync("s", grain, payload, expected);
});
Console.WriteLine($"  writes per commit: {(double)store.WritesCommitted / store.Commits:F1}");
store.Dispose();
Console.WriteLine($"  => group commit: {group.PerSecond / baseline.PerSecond:F1}x the throughput, p99 {group.P99 / baseline.P99:F3}x the baseline's");

await TicketIssueAsync();
Directory.Delete(root, recursive: true);
return;

async Task<Result> MeasureAsync(string name, Func<string, int, Task<long>> write)
{
    var latencies = new List<double>[writers];
    var stop = Stopwatch.StartNew();
    var deadline = TimeSpan.FromSeconds(seconds);
    await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
    {
        var mine = latencies[w] = [];
        var grain = $"bench/{w}";
        for (var i = 0; stop.Elapsed < deadline; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await write(grain, i);
            mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    })));
    var all = latencies.SelectMany(l => l).Order().ToList();
    var result = new Result(all.Count / stop.Elapsed.TotalSeconds, Bench.Percentile(all, 0.50), Bench.Percentile(all, 0.99));
    Console.WriteLine($"  {name,-40} {result.PerSecond,9:F0} acknowledged writes/s   p50 {result.P50,7:F2} ms   p99 {result.P99,7:F2} ms");
    return result;
}

async Task TicketIssueAsync()
{
    Console.WriteLine($"Ticket issue through the grains: {tickets} tickets, in-process silo on the embedded store");
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.UseOrleans(silo => silo
        .UseLocalhostClustering(siloPort: Bench.FreePort(), gatewayPort: 0)
        .AddQueueGrains(Path.Combine(root, "silo")));
    using var host = builder.Build();
    await host.StartAsync();
    var grains = host.Services.GetRequiredService<IGrainFactory>();
    await grains.GetGrain<IOfficeGrain>("bench").DefineAsync(Bench.Office("bench", 8), onlyIfNew: false);
    var today = Tokyo.DateOf(DateTimeOffset.UtcNow);

    foreach (var (label, lines) in new[] { ("one service (one hot line)", 1), ("8 services (8 lines)", 8) })
    {
        var latencies = new double[tickets];
        var stop = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, tickets), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var key = new TicketLineKey("bench", $"s{i % lines}", today);
            var start = Stopwatch.GetTimestamp();
            await grains.GetGrain<ITicketLineGrain>(key.ToGrainKey()).IssueAsync(new IssueTicket(TicketId.New(key), Priority.Normal, null));
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        });
        var sorted = latencies.Order().ToList();
        Console.WriteLine($"  {label,-40} {tickets / stop.Elapsed.TotalSeconds,9:F0} tickets/s            p50 {Bench.Percentile(sorted, 0.5),7:F2} ms   p99 {Bench.Percentile(sorted, 0.99),7:F2} ms");
    }
    await host.StopAsync();
}

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
}

internal sealed record Result(double PerSecond, double P50, double P99);

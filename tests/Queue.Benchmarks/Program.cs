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

// Durable-write and ticket-issue benchmarks. Every figure is printed next to its baseline from
// the same run, because these machines are noisy: compare the ratios, not the absolute numbers.
// `-- hub [--clients 1,200,1000] [--calls 100]`: call → TicketCalled latency at connected lobby clients instead.
if (args.FirstOrDefault() == "bare-hub-server")
{
    await BareHub.ServeAsync(args);
    return;
}
if (args.FirstOrDefault() == "hub")
{
    await HubLatency.RunAsync(args);
    return;
}
// `-- http [--window 10] [--windows 6] [--connections 32]`: ticket issue over HTTP beside its ceilings (wrk).
if (args.FirstOrDefault() == "http")
{
    await HttpThroughput.RunAsync(args);
    return;
}
// `-- mix [--seconds 30] [--visitors 48] [--phones 200]`: a lobby at its peak, reported per operation.
if (args.FirstOrDefault() == "mix")
{
    await MixedLoad.RunAsync(args);
    return;
}
// `-- soak [--minutes 10] [--rate 20]`: memory over a steady day at a realistic rate.
if (args.FirstOrDefault() == "soak")
{
    await Soak.RunAsync(args);
    return;
}
// `-- rules [BenchmarkDotNet arguments]`: the queue rules' hot paths, time and allocations (BenchmarkDotNet).
if (args.FirstOrDefault() == "rules")
{
    RuleBenchmarks.Run(args[1..]);
    return;
}
// `-- line [--tickets 20000]`: cost per ticket from the first to the last of a busy day's line, and restart time.
if (args.FirstOrDefault() == "line")
{
    await LineGrowth.RunAsync(args, Argument);
    return;
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
    var result = new Result(all.Count / stop.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99));
    Console.WriteLine($"  {name,-40} {result.PerSecond,9:F0} acknowledged writes/s   p50 {result.P50,7:F2} ms   p99 {result.P99,7:F2} ms");
    return result;
}

async Task TicketIssueAsync()
{
    Console.WriteLine($"Ticket issue through the grains: {tickets} tickets, in-process silo on the embedded store");
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.UseOrleans(silo => silo
        .UseLocalhostClustering(siloPort: FreePort(), gatewayPort: 0)
        .AddQueueGrains(Path.Combine(root, "silo")));
    using var host = builder.Build();
    await host.StartAsync();
    var grains = host.Services.GetRequiredService<IGrainFactory>();
    var always = DailyHours.Parse("00:00", "24:00");
    var services = Enumerable.Range(0, 8).Select(i => new ServiceDefinition
    {
        Id = $"s{i}", SectionId = "sec", Name = new LocalizedText($"s{i}", $"s{i}"), TicketPrefix = ((char)('A' + i)).ToString(),
    }).ToList();
    var office = new OfficeDefinition
    {
        Id = "bench", Kind = OfficeKind.Ward, Name = new LocalizedText("bench", "bench"),
        Hours = new OfficeSchedule { Weekdays = always, Saturdays = new SaturdayHours { Hours = always }, Sundays = always, ClosedOnHolidays = false, YearEndClosure = false },
        Sections = [new SectionDefinition("sec", new LocalizedText("s", "s"), "1F")],
        Services = services,
    };
    await grains.GetGrain<IOfficeGrain>("bench").DefineAsync(office, onlyIfNew: false);
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
        Console.WriteLine($"  {label,-40} {tickets / stop.Elapsed.TotalSeconds,9:F0} tickets/s            p50 {Percentile(sorted, 0.5),7:F2} ms   p99 {Percentile(sorted, 0.99),7:F2} ms");
    }
    await host.StopAsync();
}

static double Percentile(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, p * sorted.Count)];

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
}

internal sealed record Result(double PerSecond, double P50, double P99);

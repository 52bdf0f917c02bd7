using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CounterQueue.Silo;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CounterQueue.Benchmarks;

/// <summary>
/// `-- http [--window 10] [--windows 6] [--connections 32]`: ticket issue over HTTP against the real app (its own
/// process, embedded store), beside the ceilings measured in the same run with the same load generator (wrk):
/// a bare POST returning JSON, the same plus one grain call, and the same plus one group-committed durable write.
/// Issue runs for --windows windows of --window seconds against the same app (its lines keep growing), to show whether it
/// stays flat. Each issue window comes right after a window of the durable ceiling, and its ratio is to that one: this
/// machine's speed drifts by tens of per cent over minutes, and a ceiling measured minutes earlier would mostly measure
/// the drift. --no-ceilings skips the ceilings (quicker, for trying a change; the ratios are then not printed). --gc adds
/// the app's garbage collections over the measured windows, by generation, with the longest pauses (<see cref="GcTrace"/>).
/// </summary>
public static partial class HttpThroughput
{
    private const int Lines = 19;
    /// <summary>Load before an app is measured: its first half-minute under load is slower (the JIT's tiers, new database files growing).</summary>
    private const int AppWarmUpSeconds = 30;

    public static async Task RunAsync(string[] args)
    {
        var window = int.Parse(Bench.Option(args, "--window", "10"), CultureInfo.InvariantCulture);
        var windows = int.Parse(Bench.Option(args, "--windows", "6"), CultureInfo.InvariantCulture);
        var connections = int.Parse(Bench.Option(args, "--connections", "32"), CultureInfo.InvariantCulture);
        if (!File.Exists("/usr/bin/wrk")) throw new InvalidOperationException("wrk is needed: apt-get install wrk");
        var root = Path.Combine(Path.GetTempPath(), "counterqueue-http-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        Console.WriteLine($"HTTP, wrk -t2 -c{connections}, {window} s per run (after a warm-up: 5 s per ceiling, {AppWarmUpSeconds} s for the app), load generator on the same 2 cores; Release build, embedded store");

        var ceilings = new List<(string Name, Wrk Result)>();
        var results = new List<(Wrk Issue, Wrk? Durable, string Store, string? CeilingStore)>();
        IReadOnlyList<string> collections = [];
        await using (var ceiling = args.Contains("--no-ceilings") ? null : await CeilingApp.StartAsync(root))
        {
            var durablePath = ceiling is null ? null : $"{ceiling.Url}/durable";
            if (ceiling is not null)
                foreach (var (name, path) in new[] { ("bare POST returning JSON", "/bare"), ("+ one grain call", "/grain"), ("+ one durable write (group commit)", "/durable") })
                {
                    await WrkAsync($"{ceiling.Url}{path}", 5, connections, "{}"); // warm-up
                    ceilings.Add((name, await WrkAsync($"{ceiling.Url}{path}", window, connections, "{}")));
                }

            await using var app = await RunningApp.StartAsync("http", Bench.Office("bench", Lines));
            var tickets = $"{app.BaseUrl}/api/offices/bench/tickets";
            await WrkAsync(tickets, AppWarmUpSeconds, connections, null); // not counted
            await using var gc = args.Contains("--gc") ? GcTrace.Start(app.Process.Id) : null;
            for (var i = 0; i < windows; i++)
            {
                var ceilingBefore = ceiling?.StoreCounts();
                var ceilingCpu = Bench.CpuTime(Process.GetCurrentProcess()); // the ceilings run in this process
                var durable = durablePath is null ? null : await WrkAsync(durablePath, window, connections, "{}"); // the adjacent ceiling
                var ceilingStore = ceiling is null ? null : WritesPerCommit(ceilingBefore!, ceiling.StoreCounts(), window) +
                    CpuPer(Bench.CpuTime(Process.GetCurrentProcess()) - ceilingCpu, durable!.PerSecond * window, "write");
                var before = await CountersAsync(app);
                var appCpu = Bench.CpuTime(app.Process);
                var issue = await WrkAsync(tickets, window, connections, null);
                var used = Bench.CpuTime(app.Process) - appCpu;
                results.Add((issue, durable, StoreAndMemory(before, await CountersAsync(app), window, issue.PerSecond * window) +
                    CpuPer(used, issue.PerSecond * window, "ticket"), ceilingStore));
            }
            if (gc is not null) collections = await gc.StopAsync();
        }
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }

        var first = ceilings.Count > 0 ? ceilings[^1].Result.PerSecond : double.NaN;
        Console.WriteLine($"  {"path",-44} {"requests/s",11} {"p50",9} {"p99",9} {"errors",7} {"÷ durable ceiling",18}");
        foreach (var (name, result) in ceilings) Print(name, result, first);
        for (var i = 0; i < results.Count; i++)
        {
            var (issue, durable, store, ceilingStore) = results[i];
            if (durable is not null)
            {
                Print($"  durable ceiling, just before", durable, durable.PerSecond);
                Console.WriteLine($"  {"",-44} {ceilingStore}");
            }
            Print($"ticket issue, {Lines} lines: {i * window}–{(i + 1) * window} s", issue, durable?.PerSecond ?? double.NaN);
            Console.WriteLine($"  {"",-44} {store}");
        }
        var ratios = results.Where(r => r.Durable is not null).Select(r => r.Issue.PerSecond / r.Durable!.PerSecond).ToList();
        if (ratios.Count > 0)
            Console.WriteLine($"  ticket issue ÷ the durable ceiling just before it: mean {ratios.Average():F2}, lowest {ratios.Min():F2}, highest {ratios.Max():F2}");
        Console.WriteLine($"  ticket issue, last window ÷ first: {results[^1].Issue.PerSecond / results[0].Issue.PerSecond:F2} (1.00 = flat); " +
                          $"mean {results.Average(r => r.Issue.PerSecond):F0}/s, p99 {results.Min(r => r.Issue.P99):F1}–{results.Max(r => r.Issue.P99):F1} ms");
        foreach (var line in collections) Console.WriteLine($"  {line}");
    }

    /// <summary>
    /// Ticket issue with the visit history on (the default: each change's events appended in the same group commit) beside
    /// off (Queue:HistoryEnabled=false), alternating the two apps so drift in the machine's speed falls on both.
    /// </summary>
    public static async Task CompareHistoryAsync(string[] args)
    {
        var window = int.Parse(Bench.Option(args, "--window", "10"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(Bench.Option(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        var connections = int.Parse(Bench.Option(args, "--connections", "32"), CultureInfo.InvariantCulture);
        if (!File.Exists("/usr/bin/wrk")) throw new InvalidOperationException("wrk is needed: apt-get install wrk");
        Console.WriteLine($"Visit history on beside off: ticket issue over HTTP, wrk -t2 -c{connections}, {window} s per run, {rounds} rounds each, alternating (each app warmed {AppWarmUpSeconds} s first)");
        var runs = await AlternateAsync([
            ("history-on", null, new Dictionary<string, string> { ["Queue__HistoryEnabled"] = "true" }),
            ("history-off", null, new Dictionary<string, string> { ["Queue__HistoryEnabled"] = "false" })], rounds, window, connections);
        var on = runs["history-on"].Select(r => r.Result).ToList();
        var off = runs["history-off"].Select(r => r.Result).ToList();
        var offRate = off.Average(r => r.PerSecond);
        Console.WriteLine($"  {"path",-44} {"requests/s",11} {"p50",9} {"p99",9} {"errors",7} {"÷ history off",18}");
        for (var i = 0; i < rounds; i++)
        {
            Print($"history off, round {i + 1}", off[i], offRate);
            Print($"history on, round {i + 1}", on[i], offRate);
        }
        Console.WriteLine($"  mean: on {on.Average(r => r.PerSecond):F0}/s, off {offRate:F0}/s, on ÷ off {on.Average(r => r.PerSecond) / offRate:F2}; " +
                          $"p99 on {on.Average(r => r.P99):F1} ms, off {off.Average(r => r.P99):F1} ms");
    }

    /// <summary>
    /// `-- ab --baseline DIR [--rounds 3] [--window 10]`: ticket issue over HTTP with this build beside another build of the web
    /// app (DIR holds its CounterQueue.Web.dll, e.g. a copy of src/Queue.Web/bin/Release/net10.0 made before a change),
    /// alternating so the machine's drift falls on both; with the app's CPU time per ticket (from /proc), which varies less
    /// than the rate.
    /// </summary>
    public static async Task CompareBuildsAsync(string[] args)
    {
        var baseline = Bench.Option(args, "--baseline", "");
        if (!File.Exists(Path.Combine(baseline, "CounterQueue.Web.dll"))) throw new ArgumentException("--baseline DIR: a folder with a built CounterQueue.Web.dll");
        var window = int.Parse(Bench.Option(args, "--window", "10"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(Bench.Option(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        var connections = int.Parse(Bench.Option(args, "--connections", "32"), CultureInfo.InvariantCulture);
        // --env NAME=VALUE (repeatable): settings for this build's app only, e.g. to try a runtime knob against the same build
        var environment = args.Select((a, i) => (a, i)).Where(x => x.a == "--env" && x.i + 1 < args.Length)
            .Select(x => args[x.i + 1].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");
        if (!File.Exists("/usr/bin/wrk")) throw new InvalidOperationException("wrk is needed: apt-get install wrk");
        Console.WriteLine($"This build{(environment.Count > 0 ? " with " + string.Join(' ', environment.Select(e => $"{e.Key}={e.Value}")) : "")} beside {baseline}: ticket issue over HTTP, wrk -t2 -c{connections}, {window} s per run, {rounds} rounds each, alternating (each app warmed {AppWarmUpSeconds} s first)");
        var runs = await AlternateAsync([("baseline", baseline, null), ("this build", null, environment)], rounds, window, connections);
        var baseRate = runs["baseline"].Average(r => r.Result.PerSecond);
        var baseCpu = runs["baseline"].Average(r => r.CpuMicroseconds);
        Console.WriteLine($"  {"run",-44} {"requests/s",11} {"p50",9} {"p99",9} {"errors",7} {"÷ baseline",18} {"app CPU/ticket",15}");
        for (var i = 0; i < rounds; i++)
            foreach (var name in runs.Keys)
            {
                Print($"{name}, round {i + 1}", runs[name][i].Result, baseRate, $"{runs[name][i].CpuMicroseconds,12:F0} µs");
            }
        var rate = runs["this build"].Average(r => r.Result.PerSecond);
        var cpuPer = runs["this build"].Average(r => r.CpuMicroseconds);
        Console.WriteLine($"  mean: this build {rate:F0}/s, baseline {baseRate:F0}/s, ÷ {rate / baseRate:F2}; app CPU per ticket {cpuPer:F0} µs against {baseCpu:F0} µs, ÷ {cpuPer / baseCpu:F2}; " +
                          $"p99 {runs["this build"].Average(r => r.Result.P99):F1} ms against {runs["baseline"].Average(r => r.Result.P99):F1} ms");
    }

    /// <summary>
    /// Ticket issue against each app in turn (a build's folder, or this build when null; its extra settings), round after
    /// round, so drift in the machine's speed falls on all of them: each run's result and the app's CPU per ticket. The apps
    /// start once and are warmed up before the first round (when each round started its apps afresh with 10 s of warm-up,
    /// rounds ran at half the rate of a warmed app and two identical builds came out 1.19× apart), then every round
    /// measures each app for one window, one after the other.
    /// </summary>
    private static async Task<Dictionary<string, List<(Wrk Result, double CpuMicroseconds)>>> AlternateAsync(
        IReadOnlyList<(string Name, string? Build, IReadOnlyDictionary<string, string>? Environment)> apps, int rounds, int window, int connections)
    {
        var runs = apps.ToDictionary(a => a.Name, _ => new List<(Wrk Result, double CpuMicroseconds)>());
        var running = new List<(string Name, RunningApp App)>();
        try
        {
            foreach (var (name, build, environment) in apps)
            {
                var app = await RunningApp.StartAsync(name, Bench.Office("bench", Lines), build: build, environment: environment);
                running.Add((name, app));
                await WrkAsync(Tickets(app), AppWarmUpSeconds, connections, null); // not counted
            }
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, app) in running)
                {
                    var before = await CountersAsync(app);
                    var cpu = Bench.CpuTime(app.Process);
                    var result = await WrkAsync(Tickets(app), window, connections, null);
                    var used = Bench.CpuTime(app.Process) - cpu;
                    Console.WriteLine($"  {name}, round {round + 1}: {StoreAndMemory(before, await CountersAsync(app), window, result.PerSecond * window)}");
                    runs[name].Add((result, used.TotalMicroseconds / (result.PerSecond * window)));
                }
            }
        }
        finally
        {
            foreach (var (_, app) in running) await app.DisposeAsync();
        }
        return runs;

        static string Tickets(RunningApp app) => $"{app.BaseUrl}/api/offices/bench/tickets";
    }

    /// <summary>
    /// From the app's /metrics: the embedded store's commits and writes so far (zeros if it does not say), and the runtime's
    /// bytes allocated and time in GC pauses (System.Runtime): the bytes a ticket allocates do not depend on the machine's speed.
    /// </summary>
    private static async Task<AppCounters> CountersAsync(RunningApp app)
    {
        var text = await app.Anonymous.GetStringAsync("/metrics");
        // Summed over the metric's label sets (the collections' generations, say).
        double Value(string name) => Regex.Matches(text, $@"^{name}(?:\{{[^}}]*\}})? ([0-9.eE+-]+)$", RegexOptions.Multiline)
            .Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        double Phase(string phase) => Regex.Matches(text, $@"^queue_store_writer_time_seconds_total\{{[^}}]*phase=""{phase}""[^}}]*\}} ([0-9.eE+-]+)$",
            RegexOptions.Multiline).Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        return new AppCounters(new StoreCounts((long)Value("queue_store_commits_total"), (long)Value("queue_store_writes_total"),
                TimeSpan.FromSeconds(Phase("apply")), TimeSpan.FromSeconds(Phase("fold")), TimeSpan.FromSeconds(Phase("commit"))),
            Value("dotnet_gc_heap_total_allocated_bytes_total"), Value("dotnet_gc_pause_time_seconds_total"));
    }

    private sealed record AppCounters(StoreCounts Store, double AllocatedBytes, double GcPauseSeconds);

    /// <summary>The embedded store's commits and writes so far, and its writer's time in them by phase (<see cref="SqliteStore.WriterTime"/>).</summary>
    private sealed record StoreCounts(long Commits, long Writes, TimeSpan Apply, TimeSpan Fold, TimeSpan Commit);

    private static string StoreAndMemory(AppCounters before, AppCounters after, int seconds, double tickets)
    {
        var store = WritesPerCommit(before.Store, after.Store, seconds);
        var memory = after.AllocatedBytes <= 0 || tickets <= 0 ? ""
            : $"; {(after.AllocatedBytes - before.AllocatedBytes) / tickets / 1024:F1} KB allocated per ticket, GC pauses {(after.GcPauseSeconds - before.GcPauseSeconds) / seconds * 100:F1} % of the window";
        return store + memory;
    }

    private static string CpuPer(TimeSpan used, double requests, string what) =>
        requests <= 0 ? "" : $"; {used.TotalMicroseconds / requests:F0} µs of the server's CPU per {what}";

    /// <summary>
    /// Commits a second and writes per commit, then the writer's time per write by phase and the share of the window it was busy
    /// (one thread: near 100 % it would be what limits the rate).
    /// </summary>
    private static string WritesPerCommit(StoreCounts before, StoreCounts after, int seconds)
    {
        if (after.Commits <= before.Commits) return "store: no commits reported";
        var writes = (double)(after.Writes - before.Writes);
        var (apply, fold, commit) = (after.Apply - before.Apply, after.Fold - before.Fold, after.Commit - before.Commit);
        var writer = after.Apply + after.Fold + after.Commit <= TimeSpan.Zero ? "" // a build from before the writer's time was counted
            : $"; writer {(apply + fold + commit).TotalMicroseconds / writes:F0} µs a write (apply {apply.TotalMicroseconds / writes:F0}, fold " +
              $"{fold.TotalMicroseconds / writes:F0}, commit {commit.TotalMicroseconds / writes:F0}), busy {(apply + fold + commit).TotalSeconds / seconds * 100:F0} % of the window";
        return $"store: {(after.Commits - before.Commits) / (double)seconds:F0} commits/s, {writes / (after.Commits - before.Commits):F1} writes per commit{writer}";
    }

    private static void Print(string name, Wrk result, double durable, string more = "") =>
        Console.WriteLine($"  {name,-44} {result.PerSecond,11:F0} {result.P50,7:F1}ms {result.P99,7:F1}ms {result.Errors,7} {result.PerSecond / durable,17:F2}x{more}");

    private sealed record Wrk(double PerSecond, double P50, double P99, long Errors);

    /// <summary>Runs wrk with a POST body: <paramref name="body"/> as is, or (null) a ticket for each of the lines in turn.</summary>
    private static async Task<Wrk> WrkAsync(string url, int seconds, int connections, string? body)
    {
        var script = Path.Combine(Path.GetTempPath(), $"cq-wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, body is null
            // The requests are built once (wrk's own pattern), so the load generator spends no more per ticket than per
            // ceiling request: building each one in Lua cost it about 4 µs more a request on these cores.
            ? $$"""
              local requests = {}
              local i = 0
              init = function(args)
                for k = 0, {{Lines - 1}} do
                  requests[k] = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, '{"serviceId":"s' .. k .. '"}')
                end
              end
              request = function()
                i = i + 1
                return requests[i % {{Lines}}]
              end
              """
            : $$"""
              wrk.method = "POST"
              wrk.body = '{{body}}'
              wrk.headers["Content-Type"] = "application/json"
              """);
        try
        {
            var start = new ProcessStartInfo("/usr/bin/wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-t2", $"-c{connections}", $"-d{seconds}s", "--latency", "-s", script, url }) start.ArgumentList.Add(arg);
            using var wrk = Process.Start(start)!;
            var output = await wrk.StandardOutput.ReadToEndAsync();
            await wrk.WaitForExitAsync();
            var perSecond = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            var errors = NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            return new Wrk(perSecond, Latency(output, "50%"), Latency(output, "99%"), errors);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static double Latency(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s+{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")] private static partial Regex RequestsPerSecond();
    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")] private static partial Regex NonSuccess();

    /// <summary>The ceilings: Kestrel with minimal endpoints in this process, an in-process silo on the embedded store.</summary>
    private sealed class CeilingApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private CeilingApp(WebApplication app, string url) => (_app, Url) = (app, url);
        public string Url { get; }

        public static async Task<CeilingApp> StartAsync(string root)
        {
            var url = $"http://127.0.0.1:{Bench.FreePort()}";
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Error);
            // As the app (appsettings.json): no log scope or Activity per request from the host's own logger
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
            builder.WebHost.UseUrls(url);
            builder.UseOrleans(silo => silo
                .UseLocalhostClustering(siloPort: Bench.FreePort(), gatewayPort: 0)
                .AddQueueGrains(Path.Combine(root, "ceiling-silo")));
            builder.Services.AddSingleton(_ => new SqliteStore(Path.Combine(root, "ceiling.db"), NullLogger<SqliteStore>.Instance));
            var app = builder.Build();
            var payload = JsonSerializer.SerializeToUtf8Bytes(new { note = new string('x', 500) }); // about a ticket's record
            long written = 0; // keys in order: the cheapest insert there is, so the ceiling is not lowered by page splits
            app.MapPost("/bare", () => Results.Json(new { ok = true }));
            app.MapPost("/grain", async (IGrainFactory grains) =>
                Results.Json(new { ok = await grains.GetGrain<IOfficeRegistryGrain>(IOfficeRegistryGrain.Key).ListAsync() is not null }));
            app.MapPost("/durable", async (IGrainFactory grains, SqliteStore store) =>
            {
                await grains.GetGrain<IOfficeRegistryGrain>(IOfficeRegistryGrain.Key).ListAsync();
                var key = Interlocked.Increment(ref written).ToString("D12", CultureInfo.InvariantCulture);
                return Results.Json(new { version = await store.WriteAsync("ceiling", key, payload, null) });
            });
            await app.StartAsync();
            return new CeilingApp(app, url);
        }

        public StoreCounts StoreCounts()
        {
            var store = _app.Services.GetRequiredService<SqliteStore>();
            var (apply, fold, commit) = store.WriterTime;
            return new StoreCounts(store.Commits, store.WritesCommitted, apply, fold, commit);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

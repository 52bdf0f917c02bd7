using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace CounterQueue.Benchmarks;

/// <summary>
/// How long a call takes to reach the lobby: from the staff's call-next request to TicketCalled arriving at
/// every connected display (SignalR client), with 1 client (the baseline), then 200 and 1,000. The web app
/// runs as its own process (as in production) with the demo offices on a fresh data folder. The bare hub's
/// broadcasts are measured in the same run with their own clients, the calls to each interleaved.
/// </summary>
public static class HubLatency
{
    public static async Task RunAsync(string[] args)
    {
        var clientCounts = Bench.Option(args, "--clients", "1,200,1000").Split(',').Select(int.Parse).ToArray();
        var calls = int.Parse(Bench.Option(args, "--calls", "200"));
        var data = Path.Combine(Path.GetTempPath(), "counterqueue-hub-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var port = Bench.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var app = Bench.StartApp(data, port);
        var barePort = Bench.FreePort();
        using var bare = StartBareHub(barePort);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
            await Bench.WaitUntilReadyAsync(http);
            var token = await Bench.TokenAsync(http);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await http.PostAsJsonAsync("/api/offices/kawasaki/counters/c1/open", new { serviceIds = new[] { "residence-certificate" } })).EnsureSuccessStatusCode();

            var bareUrl = $"http://127.0.0.1:{barePort}";
            using var bareHttp = new HttpClient { BaseAddress = new Uri(bareUrl) };
            await Bench.WaitUntilReadyAsync(bareHttp, "/ready");

            Console.WriteLine($"Lobby hub: call-next → TicketCalled at every client, {calls} calls per run, web app on {baseUrl};");
            Console.WriteLine($"ceiling: a bare SignalR hub in its own process broadcasting to every client on one POST, {bareUrl}");
            double? baseline = null;
            foreach (var count in clientCounts)
            {
                // Three audiences of `count` clients each, connected at once; the calls to each are interleaved (a lobby
                // call, a bare broadcast, the bare hub with the lobby's traffic, in turn), so all three are measured
                // under the same load of the machine rather than one after another.
                await using var lobby = await Audience.ConnectAsync($"{baseUrl}/hubs/lobby", count, "kawasaki");
                await using var bareOne = await Audience.ConnectAsync(bareUrl + BareHub.Path + "?audience=one", count, null);
                await using var bareSame = await Audience.ConnectAsync(bareUrl + BareHub.Path + "?audience=same", count, null);
                var targets = new (Audience Audience, Func<int, Task<(string Number, Func<Task<HttpResponseMessage>> Announce)>> Prepare)[]
                {
                    (lobby, async _ =>
                    {
                        var issued = await http.PostAsJsonAsync("/api/offices/kawasaki/tickets", new { serviceId = "residence-certificate" });
                        var number = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
                        return (number, async () =>
                        {
                            var called = await http.PostAsync("/api/offices/kawasaki/counters/c1/call-next", null);
                            called.EnsureSuccessStatusCode();
                            await Task.Delay(50);
                            (await http.PostAsync("/api/offices/kawasaki/counters/c1/complete", null)).EnsureSuccessStatusCode();
                            return called;
                        });
                    }),
                    // One broadcast per call (the ceiling as issue #9 puts it).
                    (bareOne, i => Task.FromResult(($"B-{i:D3}", (Func<Task<HttpResponseMessage>>)(() => bareHttp.PostAsync($"/broadcast/B-{i:D3}?audience=one", null))))),
                    // The same traffic as the lobby's: a queue update when the ticket is issued, the call and a queue
                    // update, and a queue update when it is completed.
                    (bareSame, async i =>
                    {
                        (await bareHttp.PostAsync("/queue?audience=same", null)).EnsureSuccessStatusCode();
                        return ($"Q-{i:D3}", async () =>
                        {
                            var sent = await bareHttp.PostAsync($"/broadcast/Q-{i:D3}?audience=same&withQueue=true", null);
                            await Task.Delay(50);
                            (await bareHttp.PostAsync("/queue?audience=same", null)).EnsureSuccessStatusCode();
                            return sent;
                        });
                    }),
                };
                for (var i = 0; i < calls; i++)
                {
                    for (var k = 0; k < targets.Length; k++)
                    {
                        var (audience, prepare) = targets[(i + k) % targets.Length]; // each goes first in turn
                        var (number, announce) = await prepare(i);
                        audience.Sent(number);
                        (await announce()).EnsureSuccessStatusCode();
                        await Task.Delay(50);
                    }
                }
                var result = await lobby.ResultAsync(calls);
                var ceiling = await bareOne.ResultAsync(calls);
                var sameTraffic = await bareSame.ResultAsync(calls);
                baseline ??= result.P50;
                Console.WriteLine(
                    $"  {count,5} clients  deliveries {result.Deliveries,7}  p50 {result.P50,7:F1} ms  p95 {result.P95,7:F1} ms  p99 {result.P99,7:F1} ms" +
                    $"  max {result.Max,7:F1} ms  (p50 ×{result.P50 / baseline.Value:F1} of {clientCounts[0]} client)  connect {result.ConnectSeconds:F1} s");
                foreach (var (label, c) in new[] { ("bare, 1 message ", ceiling), ("bare, same msgs ", sameTraffic) })
                    Console.WriteLine(
                        $"      {label} deliveries {c.Deliveries,7}  p50 {c.P50,7:F1} ms  p95 {c.P95,7:F1} ms  p99 {c.P99,7:F1} ms" +
                        $"  max {c.Max,7:F1} ms  => lobby p99 ÷ this p99 = {result.P99 / c.P99:F2}, p50 ÷ p50 = {result.P50 / c.P50:F2}");
            }
        }
        finally
        {
            bare.Kill(entireProcessTree: true);
            await bare.WaitForExitAsync();
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Result(int Deliveries, double P50, double P95, double P99, double Max, double ConnectSeconds);

    /// <summary>
    /// <c>count</c> clients connected to a hub (subscribed to an office when one is given), each recording when a
    /// TicketCalled with a number it was told of arrives: one delivery per client and call.
    /// </summary>
    private sealed class Audience : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, long> _sent = new();
        private readonly ConcurrentBag<double> _latencies = new();
        private readonly List<HubConnection> _connections = new();
        private int _count;
        private double _connectSeconds;

        public static async Task<Audience> ConnectAsync(string hubUrl, int count, string? officeId)
        {
            var audience = new Audience { _count = count };
            var connectWatch = Stopwatch.StartNew();
            using var gate = new SemaphoreSlim(32);
            await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                var connection = new HubConnectionBuilder().WithUrl(hubUrl).Build();
                connection.On<JsonElement>("TicketCalled", called =>
                {
                    var now = Stopwatch.GetTimestamp();
                    if (audience._sent.TryGetValue(called.GetProperty("number").GetString()!, out var at))
                        audience._latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                });
                await gate.WaitAsync();
                try
                {
                    await connection.StartAsync();
                    if (officeId is not null) await connection.InvokeAsync("Subscribe", officeId, null);
                }
                finally { gate.Release(); }
                lock (audience._connections) audience._connections.Add(connection);
            }));
            audience._connectSeconds = connectWatch.Elapsed.TotalSeconds;
            return audience;
        }

        /// <summary>The clock for <paramref name="number"/> starts now (just before the request that announces it).</summary>
        public void Sent(string number) => _sent[number] = Stopwatch.GetTimestamp();

        public async Task<Result> ResultAsync(int calls)
        {
            var expected = calls * _count;
            for (var wait = 0; wait < 100 && _latencies.Count < expected; wait++) await Task.Delay(100);
            var sorted = _latencies.Order().ToList();
            if (sorted.Count < expected) Console.WriteLine($"  warning: {expected - sorted.Count} of {expected} deliveries did not arrive");
            return new Result(sorted.Count, Bench.Percentile(sorted, 0.5), Bench.Percentile(sorted, 0.95), Bench.Percentile(sorted, 0.99), sorted.LastOrDefault(), _connectSeconds);
        }

        public async ValueTask DisposeAsync() => await Task.WhenAll(_connections.Select(c => c.DisposeAsync().AsTask()));
    }

    /// <summary>This benchmark program again, as the bare hub's own process.</summary>
    private static Process StartBareHub(int port)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(HubLatency).Assembly.Location);
        foreach (var arg in new[] { "bare-hub-server", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  bare hub: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

}

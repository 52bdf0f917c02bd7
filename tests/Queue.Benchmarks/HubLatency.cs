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
/// runs as its own process (as in production) with the demo offices on a fresh data folder.
/// </summary>
public static class HubLatency
{
    public static async Task RunAsync(string[] args)
    {
        var clientCounts = Bench.Option(args, "--clients", "1,200,1000").Split(',').Select(int.Parse).ToArray();
        var calls = int.Parse(Bench.Option(args, "--calls", "100"));
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
                // One broadcast per call (the ceiling as issue #9 puts it), and the same traffic as the lobby's: a queue
                // update when the ticket is issued, the call and a queue update, and a queue update when it is completed.
                var ceiling = await MeasureAsync(bareUrl + BareHub.Path, count, calls, null, i =>
                    Task.FromResult(($"B-{i:D3}", (Func<Task<HttpResponseMessage>>)(() => bareHttp.PostAsync($"/broadcast/B-{i:D3}", null)))));
                var sameTraffic = await MeasureAsync(bareUrl + BareHub.Path, count, calls, null, async i =>
                {
                    (await bareHttp.PostAsync("/queue", null)).EnsureSuccessStatusCode();
                    return ($"Q-{i:D3}", async () =>
                    {
                        var sent = await bareHttp.PostAsync($"/broadcast/Q-{i:D3}?withQueue=true", null);
                        await Task.Delay(50);
                        (await bareHttp.PostAsync("/queue", null)).EnsureSuccessStatusCode();
                        return sent;
                    });
                });
                var result = await MeasureAsync($"{baseUrl}/hubs/lobby", count, calls, "kawasaki", async _ =>
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
                });
                baseline ??= result.P50;
                Console.WriteLine(
                    $"  {count,5} clients  deliveries {result.Deliveries,7}  p50 {result.P50,7:F1} ms  p95 {result.P95,7:F1} ms  p99 {result.P99,7:F1} ms" +
                    $"  max {result.Max,7:F1} ms  (p50 ×{result.P50 / baseline.Value:F1} of {clientCounts[0]} client)  connect {result.ConnectSeconds:F1} s");
                foreach (var (label, c) in new[] { ("bare, 1 message ", ceiling), ("bare, same msgs ", sameTraffic) })
                    Console.WriteLine(
                        $"      {label} deliveries {c.Deliveries,7}  p50 {c.P50,7:F1} ms  p95 {c.P95,7:F1} ms  p99 {c.P99,7:F1} ms" +
                        $"  max {c.Max,7:F1} ms  => lobby p99 ÷ this p99 = {result.P99 / c.P99:F2}");
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
    /// Connects <paramref name="count"/> clients to <paramref name="hubUrl"/> (subscribed to an office when one is given),
    /// then makes <paramref name="calls"/> calls: each first prepares (not timed) and names the number it will announce,
    /// then the clock starts and the announcing request is sent; every client's arrival of that number is one delivery.
    /// </summary>
    private static async Task<Result> MeasureAsync(string hubUrl, int count, int calls, string? officeId,
        Func<int, Task<(string Number, Func<Task<HttpResponseMessage>> Announce)>> prepare)
    {
        var sent = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<double>();
        var connections = new List<HubConnection>();
        var connectWatch = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var connection = new HubConnectionBuilder().WithUrl(hubUrl).Build();
            connection.On<JsonElement>("TicketCalled", called =>
            {
                var now = Stopwatch.GetTimestamp();
                if (sent.TryGetValue(called.GetProperty("number").GetString()!, out var at))
                    latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
            });
            await gate.WaitAsync();
            try
            {
                await connection.StartAsync();
                if (officeId is not null) await connection.InvokeAsync("Subscribe", officeId, null);
            }
            finally { gate.Release(); }
            lock (connections) connections.Add(connection);
        }));
        var connectSeconds = connectWatch.Elapsed.TotalSeconds;

        for (var i = 0; i < calls; i++)
        {
            var (number, announce) = await prepare(i);
            sent[number] = Stopwatch.GetTimestamp();
            (await announce()).EnsureSuccessStatusCode();
            await Task.Delay(50);
        }
        var expected = calls * count;
        for (var wait = 0; wait < 100 && latencies.Count < expected; wait++) await Task.Delay(100);
        await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));

        var sorted = latencies.Order().ToList();
        if (sorted.Count < expected) Console.WriteLine($"  warning: {expected - sorted.Count} of {expected} deliveries did not arrive");
        return new Result(sorted.Count, Bench.Percentile(sorted, 0.5), Bench.Percentile(sorted, 0.95), Bench.Percentile(sorted, 0.99), sorted.LastOrDefault(), connectSeconds);
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

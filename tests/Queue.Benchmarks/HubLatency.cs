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
    private const string Password = "hub-benchmark";

    public static async Task RunAsync(string[] args)
    {
        var clientCounts = Option(args, "--clients", "1,200,1000").Split(',').Select(int.Parse).ToArray();
        var calls = int.Parse(Option(args, "--calls", "100"));
        var data = Path.Combine(Path.GetTempPath(), "counterqueue-hub-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var app = StartApp(data, port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
            await WaitUntilReadyAsync(http);
            var token = await TokenAsync(http);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await http.PostAsJsonAsync("/api/offices/kawasaki/counters/c1/open", new { serviceIds = new[] { "residence-certificate" } })).EnsureSuccessStatusCode();

            Console.WriteLine($"Lobby hub: call-next → TicketCalled at every client, {calls} calls per run, web app on {baseUrl}");
            double? baseline = null;
            foreach (var count in clientCounts)
            {
                var result = await MeasureAsync(http, baseUrl, count, calls);
                baseline ??= result.P50;
                Console.WriteLine(
                    $"  {count,5} clients  deliveries {result.Deliveries,7}  p50 {result.P50,7:F1} ms  p95 {result.P95,7:F1} ms  p99 {result.P99,7:F1} ms" +
                    $"  max {result.Max,7:F1} ms  (p50 ×{result.P50 / baseline.Value:F1} of {clientCounts[0]} client)  connect {result.ConnectSeconds:F1} s");
            }
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Result(int Deliveries, double P50, double P95, double P99, double Max, double ConnectSeconds);

    private static async Task<Result> MeasureAsync(HttpClient http, string baseUrl, int count, int calls)
    {
        var sent = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<double>();
        var connections = new List<HubConnection>();
        var connectWatch = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var connection = new HubConnectionBuilder().WithUrl($"{baseUrl}/hubs/lobby").Build();
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
                await connection.InvokeAsync("Subscribe", "kawasaki", null);
            }
            finally { gate.Release(); }
            lock (connections) connections.Add(connection);
        }));
        var connectSeconds = connectWatch.Elapsed.TotalSeconds;

        for (var i = 0; i < calls; i++)
        {
            var issued = await http.PostAsJsonAsync("/api/offices/kawasaki/tickets", new { serviceId = "residence-certificate" });
            var number = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
            sent[number] = Stopwatch.GetTimestamp();
            (await http.PostAsync("/api/offices/kawasaki/counters/c1/call-next", null)).EnsureSuccessStatusCode();
            await Task.Delay(50);
            (await http.PostAsync("/api/offices/kawasaki/counters/c1/complete", null)).EnsureSuccessStatusCode();
        }
        var expected = calls * count;
        for (var wait = 0; wait < 100 && latencies.Count < expected; wait++) await Task.Delay(100);
        await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));

        var sorted = latencies.Order().ToList();
        if (sorted.Count < expected) Console.WriteLine($"  warning: {expected - sorted.Count} of {expected} deliveries did not arrive");
        return new Result(sorted.Count, Percentile(sorted, 0.5), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted.LastOrDefault(), connectSeconds);
    }

    internal static Process StartApp(string data, int port)
    {
        var dll = Path.Combine(FindRoot(), "src", "Queue.Web", "bin", "Release", "net10.0", "CounterQueue.Web.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the solution in Release first (dotnet build -c Release).", dll);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["Queue__DataDirectory"] = data;
        start.Environment["Queue__SiloPort"] = FreePort().ToString();
        start.Environment["QUEUE_ADMIN_PASSWORD"] = Password;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  app: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitUntilReadyAsync(HttpClient http)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("The web app did not become ready.");
    }

    internal static async Task<string> TokenAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("/api/auth/token", new { username = "admin", password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CounterQueue.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("CounterQueue.sln not found.");
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, p * sorted.Count)];

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}

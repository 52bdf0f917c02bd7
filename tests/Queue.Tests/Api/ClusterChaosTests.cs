using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CounterQueue.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace CounterQueue.Tests.Api;

/// <summary>
/// Cluster mode under load while hosts die: three hosts on one PostgreSQL, visitors and two counters working through
/// two of them, a display on each; kill -9 one host, later another, and start them again. Nothing acknowledged is lost
/// or doubled, nobody is called to two counters, every display hears every call made once it is (re)connected, and the
/// longest gap in service is measured.
/// </summary>
public sealed class ClusterChaosTests(ITestOutputHelper output) : IDisposable
{
    private const string Password = "cluster-chaos-password";
    private const string Office = "kawasaki";
    private const string Service = "residence-certificate";
    private readonly TempDirectory[] _data = [new("chaos-a"), new("chaos-b"), new("chaos-c")];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Dispose()
    {
        foreach (var d in _data) d.Dispose();
    }

    private double Now => _clock.Elapsed.TotalSeconds;

    private sealed record Issued(string Key, string TicketId, string Number, double At);

    private sealed record Call(string CounterId, string TicketId, string Number, double StartedAt);

    [Fact]
    public async Task Killing_two_hosts_in_turn_under_load_loses_nothing_calls_nobody_twice_and_displays_hear_every_later_call()
    {
        var settings = new Dictionary<string, string>
        {
            ["Queue__PostgreSql"] = await TestPostgres.FreshDatabaseAsync(),
            ["Queue__Auth__SigningKey"] = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 11 + 5)).ToArray()),
        };
        var hosts = new AppProcess[3];
        for (var i = 0; i < 3; i++) hosts[i] = await AppProcess.StartAsync(_data[i].Path, Password, environment: settings);
        var ports = hosts.Select(h => h.Port).ToArray();
        Uri Address(int i) => new($"http://127.0.0.1:{ports[i]}/");
        try
        {
            var token = await AppFixture.TokenAsync(hosts[0].CreateClient(), "admin", Password);
            using var setup = hosts[0].CreateClient(token);
            foreach (var counter in new[] { "c1", "c2" })
                Assert.Equal(HttpStatusCode.OK, (await setup.PostJsonAsync($"/api/offices/{Office}/counters/{counter}/open", new { serviceIds = new[] { Service } })).StatusCode);

            var displays = Enumerable.Range(0, 3).Select(i => new Display($"display-{i}", i, Address, () => Now)).ToList();
            foreach (var display in displays) await display.ConnectAsync();

            using var stop = new CancellationTokenSource();
            var issued = new ConcurrentBag<Issued>();
            var calls = new ConcurrentBag<Call>();
            var refusals = new ConcurrentBag<string>();
            var loadHosts = new[] { 0, 1 }; // visitors and counters work through A and B; C holds a display and grains
            var visitors = Enumerable.Range(0, 3).Select(v => Task.Run(() => VisitorAsync(v, loadHosts, Address, issued, refusals, stop.Token))).ToList();
            var counters = new[] { "c1", "c2" }.Select((c, n) => Task.Run(() => CounterAsync(c, n, token, loadHosts, Address, calls, refusals, stop.Token))).ToList();

            // The chaos: A dies and comes back, then B does.
            var timeline = new List<string>();
            async Task KillAndRestartAsync(int i)
            {
                await Task.Delay(TimeSpan.FromSeconds(8));
                timeline.Add($"{Now:0.0}s kill -9 host {(char)('A' + i)}");
                await hosts[i].KillAsync();
                await Task.Delay(TimeSpan.FromSeconds(12));
                timeline.Add($"{Now:0.0}s start host {(char)('A' + i)} again");
                hosts[i] = await AppProcess.StartAsync(_data[i].Path, Password, port: ports[i], environment: settings);
                timeline.Add($"{Now:0.0}s host {(char)('A' + i)} ready");
            }
            await KillAndRestartAsync(0);
            await KillAndRestartAsync(1);
            await Task.Delay(TimeSpan.FromSeconds(8));
            await stop.CancelAsync();
            await Task.WhenAll(visitors.Concat(counters));
            await Task.Delay(TimeSpan.FromSeconds(2)); // the last calls reach the displays

            // Every acknowledged ticket exists, once, with its number; no number was given twice.
            using var reader = new HttpClient { BaseAddress = Address(2), Timeout = TimeSpan.FromSeconds(30) };
            var acknowledged = issued.ToList();
            Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} tickets were issued");
            Assert.Equal(acknowledged.Count, acknowledged.Select(t => t.Key).Distinct().Count());
            Assert.Equal(acknowledged.Count, acknowledged.Select(t => t.TicketId).Distinct().Count());
            Assert.Equal(acknowledged.Count, acknowledged.Select(t => t.Number).Distinct().Count());
            foreach (var ticket in acknowledged)
            {
                var read = await reader.GetAsync($"/api/tickets/{ticket.TicketId}");
                Assert.True(read.StatusCode == HttpStatusCode.OK, $"acknowledged ticket {ticket.Number} ({ticket.TicketId}): {read.StatusCode}");
                Assert.Equal(ticket.Number, (await read.ReadJsonAsync())["number"]!.GetValue<string>());
            }

            // Nobody was called to two counters: not in the counters' answers, not on any display.
            var called = calls.ToList();
            Assert.True(called.Count > 10, $"only {called.Count} calls were made");
            Assert.Equal(called.Count, called.Select(c => c.TicketId).Distinct().Count());
            foreach (var display in displays)
            {
                var conflicting = display.Calls.GroupBy(c => c.Number).Where(g => g.Select(c => c.CounterId).Distinct().Count() > 1).Select(g => g.Key).ToList();
                Assert.True(conflicting.Count == 0, $"{display.Name} saw {string.Join(", ", conflicting)} called to two counters");
            }

            // Every display heard every call made after it was last (re)connected.
            foreach (var display in displays)
            {
                var heard = display.Calls.Select(c => c.Number).ToHashSet();
                var missed = called.Where(c => c.StartedAt > display.ConnectedSince && !heard.Contains(c.Number)).Select(c => c.Number).ToList();
                Assert.True(missed.Count == 0, $"{display.Name} (connected since {display.ConnectedSince:0.0}s, {display.Reconnects} reconnects) missed {string.Join(", ", missed)}");
            }

            // The longest time nobody could take a number.
            var times = acknowledged.Select(t => t.At).Order().ToList();
            var gaps = times.Zip(times.Skip(1), (a, b) => (From: a, Gap: b - a)).OrderByDescending(g => g.Gap).Take(3).ToList();
            output.WriteLine(string.Join("\n", timeline));
            output.WriteLine($"{acknowledged.Count} tickets acknowledged, {called.Count} calls, {refusals.Count} refused or failed attempts ({string.Join(", ", refusals.GroupBy(r => r).Select(g => $"{g.Key}×{g.Count()}"))})");
            output.WriteLine($"longest gaps in ticket issue: {string.Join("; ", gaps.Select(g => $"{g.Gap:0.0}s from {g.From:0.0}s"))}");
            output.WriteLine(string.Join("\n", displays.Select(d => $"{d.Name}: {d.Calls.Count} calls heard, {d.Reconnects} reconnects, last at {d.ConnectedSince:0.0}s")));
            Assert.True(gaps[0].Gap < 30, $"service stopped for {gaps[0].Gap:0.0}s");
            foreach (var display in displays) await display.DisposeAsync();
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
        }
    }

    /// <summary>A visitor taking a number every few hundred milliseconds through a load host, failing over to the other; a retry keeps its Idempotency-Key.</summary>
    private async Task VisitorAsync(int visitor, int[] loadHosts, Func<int, Uri> address, ConcurrentBag<Issued> issued, ConcurrentBag<string> refusals, CancellationToken stop)
    {
        var host = visitor % loadHosts.Length;
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var key = $"chaos-{visitor}-{n}";
            while (!stop.IsCancellationRequested)
            {
                using var client = new HttpClient { BaseAddress = address(loadHosts[host]), Timeout = TimeSpan.FromSeconds(15) };
                try
                {
                    var request = new HttpRequestMessage(HttpMethod.Post, $"/api/offices/{Office}/tickets") { Content = JsonContent(new { serviceId = Service }) };
                    request.Headers.Add("Idempotency-Key", key);
                    var response = await client.SendAsync(request, CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var body = await response.ReadJsonAsync();
                        issued.Add(new Issued(key, body["ticketId"]!.GetValue<string>(), body["number"]!.GetValue<string>(), Now));
                        break;
                    }
                    refusals.Add(((int)response.StatusCode).ToString());
                    Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"ticket issue answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException) { refusals.Add("connection"); }
                catch (TaskCanceledException) { refusals.Add("timeout"); }
                host = (host + 1) % loadHosts.Length; // the other host
                await Task.Delay(200, CancellationToken.None);
            }
            await Task.Delay(250, CancellationToken.None);
        }
    }

    /// <summary>A counter calling the next visitor and completing them, through a load host, failing over to the other.</summary>
    private async Task CounterAsync(string counterId, int n, string token, int[] loadHosts, Func<int, Uri> address, ConcurrentBag<Call> calls, ConcurrentBag<string> refusals, CancellationToken stop)
    {
        var host = n % loadHosts.Length;
        var serving = false;
        while (!stop.IsCancellationRequested)
        {
            using var client = new HttpClient { BaseAddress = address(loadHosts[host]), Timeout = TimeSpan.FromSeconds(15) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            try
            {
                if (serving)
                {
                    var done = await client.PostAsync($"/api/offices/{Office}/counters/{counterId}/complete", null, CancellationToken.None);
                    // 409: the answer to an earlier attempt was lost, and it had completed.
                    if (done.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict) serving = false;
                    else
                    {
                        refusals.Add(((int)done.StatusCode).ToString());
                        Assert.True(done.StatusCode == HttpStatusCode.ServiceUnavailable, $"complete answered {(int)done.StatusCode}: {await done.Content.ReadAsStringAsync()}");
                        host = (host + 1) % loadHosts.Length;
                    }
                    await Task.Delay(100, CancellationToken.None);
                    continue;
                }
                var startedAt = Now;
                var response = await client.PostAsync($"/api/offices/{Office}/counters/{counterId}/call-next", null, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var ticket = (await response.ReadJsonAsync())["ticket"]!;
                    calls.Add(new Call(counterId, ticket["ticketId"]!.GetValue<string>(), ticket["number"]!.GetValue<string>(), startedAt));
                    serving = true;
                    await Task.Delay(400, CancellationToken.None); // serving
                    continue;
                }
                if (response.StatusCode != HttpStatusCode.NoContent)
                {
                    refusals.Add(((int)response.StatusCode).ToString());
                    Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict,
                        $"call-next answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    if (response.StatusCode == HttpStatusCode.Conflict) serving = true; // someone is at the counter: complete first
                    else host = (host + 1) % loadHosts.Length;
                }
            }
            catch (HttpRequestException) { refusals.Add("connection"); host = (host + 1) % loadHosts.Length; }
            catch (TaskCanceledException) { refusals.Add("timeout"); host = (host + 1) % loadHosts.Length; }
            await Task.Delay(300, CancellationToken.None);
        }
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    /// <summary>A lobby display on one host; when that host goes, it connects to the next one that answers and subscribes again.</summary>
    private sealed class Display(string name, int home, Func<int, Uri> address, Func<double> now) : IAsyncDisposable
    {
        private HubConnection? _connection;
        private bool _disposed;
        public string Name { get; } = name;
        public ConcurrentQueue<(string Number, string CounterId)> Calls { get; } = new();
        public double ConnectedSince { get; private set; }
        public int Reconnects { get; private set; }

        public async Task ConnectAsync()
        {
            for (var attempt = 0; !_disposed; attempt++)
            {
                var connection = new HubConnectionBuilder().WithUrl(new Uri(address((home + attempt) % 3), "hubs/lobby")).Build();
                connection.On<JsonElement>("TicketCalled", e => Calls.Enqueue((e.GetProperty("number").GetString()!, e.GetProperty("counterId").GetString()!)));
                try
                {
                    await connection.StartAsync();
                    await connection.InvokeAsync("Subscribe", Office, (string?)null);
                }
                catch (Exception)
                {
                    await connection.DisposeAsync();
                    await Task.Delay(300);
                    continue;
                }
                ConnectedSince = now();
                _connection = connection;
                connection.Closed += async _ =>
                {
                    if (_disposed) return;
                    Reconnects++;
                    await ConnectAsync();
                };
                return;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _disposed = true;
            if (_connection is not null) await _connection.DisposeAsync();
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using CounterQueue.Tests.Support;
using Npgsql;

namespace CounterQueue.Tests.Api;

/// <summary>
/// Cluster mode on a real PostgreSQL: two web hosts, each with its silo, form one cluster — membership,
/// grain state and Quartz's job store in the database — and behave as one system.
/// </summary>
public sealed class ClusterModeTests : IDisposable
{
    private const string Password = "cluster-test-password";
    private readonly TempDirectory _dataA = new("cluster-a");
    private readonly TempDirectory _dataB = new("cluster-b");

    public void Dispose()
    {
        _dataA.Dispose();
        _dataB.Dispose();
    }

    [Fact]
    public async Task Two_hosts_share_one_queue_fire_each_scheduled_opening_once_and_survive_losing_one()
    {
        var connectionString = await TestPostgres.FreshDatabaseAsync();
        var settings = new Dictionary<string, string>
        {
            ["Queue__PostgreSql"] = connectionString,
            // Tokens signed by one host are accepted by the other.
            ["Queue__Auth__SigningKey"] = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 3)).ToArray()),
        };
        await using var a = await AppProcess.StartAsync(_dataA.Path, Password, environment: settings);
        await using var b = await AppProcess.StartAsync(_dataB.Path, Password, environment: settings);

        await using (var database = NpgsqlDataSource.Create(connectionString))
        {
            await using var command = database.CreateCommand("SELECT count(*) FROM cq_membership WHERE status = 3");
            await Poll.UntilAsync(async () => (long)(await command.ExecuteScalarAsync())! == 2, TimeSpan.FromSeconds(10), "both silos are active");
        }

        foreach (var host in new[] { a, b })
        {
            using var health = host.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await health.GetAsync("/health/ready")).StatusCode);
        }

        using var adminA = a.CreateClient(await AppFixture.TokenAsync(a.CreateClient(), "admin", Password));
        using var adminB = b.CreateClient(await AppFixture.TokenAsync(a.CreateClient(), "admin", Password)); // A's token at B
        Assert.Equal(HttpStatusCode.OK, (await adminB.PostJsonAsync("/api/offices/kawasaki/counters/c1/open", new { serviceIds = new[] { "residence-certificate" } })).StatusCode);
        // Backups are PostgreSQL's to take here, not a host's.
        var backup = await adminA.PostAsync("/api/admin/backups", null);
        Assert.Equal(HttpStatusCode.Conflict, backup.StatusCode);
        Assert.Equal("backups-elsewhere", (await backup.ReadJsonAsync())["code"]!.GetValue<string>());

        // Visitors at both hosts at once: one line, distinct numbers, none lost.
        using var visitorA = a.CreateClient();
        using var visitorB = b.CreateClient();
        var numbers = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var response = await (i % 2 == 0 ? visitorA : visitorB).PostJsonAsync("/api/offices/kawasaki/tickets", new { serviceId = "residence-certificate" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            numbers.Add((await response.ReadJsonAsync())["number"]!.GetValue<string>());
        }));
        Assert.Equal(40, numbers.Distinct().Count());
        var first = await (await adminA.PostAsync("/api/offices/kawasaki/counters/c1/call-next", null)).ReadJsonAsync();
        Assert.Equal("A-001", first["ticket"]!["number"]!.GetValue<string>());
        var services = (await (await visitorB.GetAsync("/api/offices/kawasaki/services")).ReadJsonAsync()).AsArray();
        Assert.Equal(39, services.Single(s => s!["id"]!.GetValue<string>() == "residence-certificate")!["waiting"]!.GetValue<int>());

        // A scheduled opening: both hosts run Quartz on the shared store; exactly one fires the trigger. Which host
        // ran a job shows only in its log (the job's effect is the same however often it runs), so the log is read.
        // A second schedule firing after it is the signal that a duplicate of the first would have shown by then.
        var session = await Poll.RealSessionAsync(TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(10));
        var created = await (await adminA.PostJsonAsync("/api/offices/daishi/temporary-counters", new
        {
            procedureId = "taxi-voucher", sessions = new[] { session.Body },
        })).ReadJsonAsync();
        var later = await Poll.RealSessionAsync(TimeSpan.FromSeconds(6), TimeSpan.FromMinutes(10));
        var signal = await (await adminA.PostJsonAsync("/api/offices/daishi/temporary-counters", new
        {
            procedureId = "fureai-free-pass", sessions = new[] { later.Body },
        })).ReadJsonAsync();
        var id = created["id"]!.GetValue<string>();
        var marker = $"Temporary counter {id} reconciled at {id}:0:open";
        var signalId = signal["id"]!.GetValue<string>();
        var signalMarker = $"Temporary counter {signalId} reconciled at {signalId}:0:open";
        await Poll.UntilAsync(() => (a.Output + b.Output).Contains(signalMarker, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the later schedule fires");
        var firings = CountOf(a.Output, marker) + CountOf(b.Output, marker);
        Assert.Equal(1, firings);
        var counters = (await (await visitorB.GetAsync("/api/offices/daishi/counters")).ReadJsonAsync()).AsArray();
        Assert.Equal("open", counters.Single(c => c!["id"]!.GetValue<string>() == "tmp-taxi-voucher")!["state"]!.GetValue<string>());

        // kill -9 one host: the other carries on with everything (grains that lived on the dead silo come back
        // from PostgreSQL once the cluster has declared it dead); nothing acknowledged is lost or handed out twice.
        var tokenFromB = await AppFixture.TokenAsync(b.CreateClient(), "admin", Password);
        await a.KillAsync();
        using var patient = b.CreateClient(tokenFromB);
        patient.Timeout = TimeSpan.FromSeconds(40);
        string? next = null;
        var statuses = new List<HttpStatusCode>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (next is null && DateTime.UtcNow < deadline)
        {
            try
            {
                var issued = await patient.PostJsonAsync("/api/offices/kawasaki/tickets", new { serviceId = "residence-certificate" });
                if (issued.StatusCode == HttpStatusCode.Created) next = (await issued.ReadJsonAsync())["number"]!.GetValue<string>();
                else statuses.Add(issued.StatusCode);
            }
            catch (TaskCanceledException) { }
            if (next is null) await Task.Delay(1000);
        }
        Assert.Equal("A-041", next);
        // While the cluster noticed, the host said "try again shortly" (503 with Retry-After), never anything else.
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
        // The counter's grain may have lived on the dead host: until the cluster has declared it dead, counter actions
        // are "try again shortly" (503) too, and a patient client retries them like the kiosk does.
        async Task<HttpResponseMessage> RetryAsync(string path)
        {
            while (true)
            {
                var response = await patient.PostAsync(path, null);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline) return response;
                await Task.Delay(1000);
            }
        }
        Assert.Equal(HttpStatusCode.OK, (await RetryAsync("/api/offices/kawasaki/counters/c1/complete")).StatusCode);
        var second = await (await RetryAsync("/api/offices/kawasaki/counters/c1/call-next")).ReadJsonAsync();
        Assert.Equal("A-002", second["ticket"]!["number"]!.GetValue<string>());
    }

    private static int CountOf(string text, string marker)
    {
        var count = 0;
        for (var at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, at + marker.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}

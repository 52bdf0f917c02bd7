using System.Net;
using System.Text.Json.Nodes;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

/// <summary>A process killed across a session's start opens the counter when it comes back; across an end, closes it.</summary>
public sealed class TemporaryCounterRestartTests : IDisposable
{
    private const string Password = "temporary-restart-password";
    private readonly TempDirectory _data = new("temporary-restart");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Kill_9_across_a_start_and_an_end_then_restart_opens_one_and_closes_the_other()
    {
        string endedId, startedId;
        int port;
        await using (var first = await AppProcess.StartAsync(_data.Path, Password))
        {
            port = first.Port;
            using var admin = first.CreateClient(await AppFixture.TokenAsync(first.CreateClient(), "admin", Password));
            // B runs now and ends while the process is down; A starts while it is down.
            var ended = await (await admin.PostJsonAsync("/api/offices/tajima/temporary-counters", new
            {
                procedureId = "bus-discount", sessions = new[] { await TemporaryCounterApiTests.SessionAsync(TimeSpan.Zero, TimeSpan.FromSeconds(8)) },
            })).ReadJsonAsync();
            var started = await (await admin.PostJsonAsync("/api/offices/tajima/temporary-counters", new
            {
                procedureId = "taxi-voucher", sessions = new[] { await TemporaryCounterApiTests.SessionAsync(TimeSpan.FromSeconds(9), TimeSpan.FromMinutes(10)) },
            })).ReadJsonAsync();
            endedId = ended["id"]!.GetValue<string>();
            startedId = started["id"]!.GetValue<string>();
            for (var i = 0; i < 50 && await TemporaryCounterApiTests.CounterStateAsync(admin, "tajima", "tmp-bus-discount") != "open"; i++) await Task.Delay(200);
            Assert.Equal("open", await TemporaryCounterApiTests.CounterStateAsync(admin, "tajima", "tmp-bus-discount"));
            Assert.Equal("closed", await TemporaryCounterApiTests.CounterStateAsync(admin, "tajima", "tmp-taxi-voucher"));
            await first.KillAsync();
        }

        // Down across B's end and A's start.
        var started2 = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(12));

        await using var second = await AppProcess.StartAsync(_data.Path, Password, port);
        using var client = second.CreateClient();
        Assert.Equal("open", await TemporaryCounterApiTests.CounterStateAsync(client, "tajima", "tmp-taxi-voucher"));
        Assert.Equal("closed", await TemporaryCounterApiTests.CounterStateAsync(client, "tajima", "tmp-bus-discount"));
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/offices/tajima/tickets", new { serviceId = "taxi-voucher" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostJsonAsync("/api/offices/tajima/tickets", new { serviceId = "bus-discount" })).StatusCode);
        // The schedules themselves survived.
        var listed = (await (await client.GetAsync("/api/temporary-counters?officeId=tajima")).ReadJsonAsync()).AsArray()
            .Select(s => s!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(endedId, listed);
        Assert.Contains(startedId, listed);
        Assert.True(DateTimeOffset.UtcNow - started2 < TimeSpan.FromMinutes(5));
    }
}

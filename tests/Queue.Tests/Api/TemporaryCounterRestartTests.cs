using System.Net;
using System.Text.Json.Nodes;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

/// <summary>
/// A process killed across a session's start opens the counter when it comes back; across an end, closes it.
/// A real process on the machine's clock, with its own data folder: the demo office it uses is its alone.
/// </summary>
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
        DateTimeOffset downUntil;
        await using (var first = await AppProcess.StartAsync(_data.Path, Password))
        {
            port = first.Port;
            using var admin = first.CreateClient(await AppFixture.TokenAsync(first.CreateClient(), "admin", Password));
            // B runs now and ends while the process is down; A starts while it is down.
            var sessionB = await Poll.RealSessionAsync(TimeSpan.Zero, TimeSpan.FromSeconds(4));
            var sessionA = await Poll.RealSessionAsync(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10));
            downUntil = (sessionB.End > sessionA.Start ? sessionB.End : sessionA.Start) + TimeSpan.FromSeconds(1);
            var ended = await (await admin.PostJsonAsync("/api/offices/tajima/temporary-counters", new
            {
                procedureId = "bus-discount", sessions = new[] { sessionB.Body },
            })).ReadJsonAsync();
            var started = await (await admin.PostJsonAsync("/api/offices/tajima/temporary-counters", new
            {
                procedureId = "taxi-voucher", sessions = new[] { sessionA.Body },
            })).ReadJsonAsync();
            endedId = ended["id"]!.GetValue<string>();
            startedId = started["id"]!.GetValue<string>();
            await Poll.UntilAsync(async () => await TemporaryCounterApiTests.CounterStateAsync(admin, "tajima", "tmp-bus-discount") == "open",
                TimeSpan.FromSeconds(10), "B opens");
            Assert.Equal("closed", await TemporaryCounterApiTests.CounterStateAsync(admin, "tajima", "tmp-taxi-voucher"));
            await first.KillAsync();
        }

        // Down across B's end and A's start (on the machine's clock, which the process runs on).
        await Poll.UntilAsync(() => TimeProvider.System.GetUtcNow() > downUntil, TimeSpan.FromSeconds(15), "B has ended and A has started");

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
    }
}

using System.Net;
using CounterQueue.Silo.Lobby;
using CounterQueue.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace CounterQueue.Tests.Api;

/// <summary>
/// Cluster mode's lobby after a host restarts: the displays that connect to it hear the very next call, wherever in the
/// cluster it is made. (Each host's publisher used to keep the list of listening hosts for 5 s and refresh it only after
/// sending, so the first calls made elsewhere after a restart went to the dead host's old listener.)
/// </summary>
public sealed class ClusterLobbyTests : IDisposable
{
    private const string Password = "cluster-lobby-password";
    private const string Office = "kawasaki";
    private readonly TempDirectory _dataA = new("lobby-a");
    private readonly TempDirectory _dataB = new("lobby-b");

    public void Dispose()
    {
        _dataA.Dispose();
        _dataB.Dispose();
    }

    [Fact]
    public async Task A_display_on_a_restarted_host_hears_the_next_call_made_through_another_host()
    {
        var settings = new Dictionary<string, string>
        {
            ["Queue__PostgreSql"] = await TestPostgres.FreshDatabaseAsync(),
            ["Queue__Auth__SigningKey"] = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 13 + 1)).ToArray()),
        };
        var a = await AppProcess.StartAsync(_dataA.Path, Password, environment: settings);
        var b = await AppProcess.StartAsync(_dataB.Path, Password, environment: settings);
        try
        {
            using var staff = a.CreateClient(await AppFixture.TokenAsync(a.CreateClient(), "admin", Password));
            staff.Timeout = TimeSpan.FromSeconds(40);
            Assert.Equal(HttpStatusCode.OK, (await staff.PostJsonAsync($"/api/offices/{Office}/counters/c1/open", new { serviceIds = new[] { "residence-certificate" } })).StatusCode);
            for (var i = 0; i < 3; i++)
                Assert.Equal(HttpStatusCode.Created, (await staff.PostJsonAsync($"/api/offices/{Office}/tickets", new { serviceId = "residence-certificate" })).StatusCode);

            // B dies: once the cluster has declared it dead, every grain the calls need lives on A, and A's publisher
            // has sent a call (to A's listener and B's dead one).
            await b.KillAsync();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            async Task<HttpResponseMessage> RetryAsync(string path)
            {
                while (true)
                {
                    HttpResponseMessage? response = null;
                    try { response = await staff.PostAsync(path, null); }
                    catch (TaskCanceledException) when (DateTime.UtcNow < deadline) { }
                    if (response is not null && (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)) return response;
                    await Task.Delay(500);
                }
            }
            Assert.Equal("A-001", (await (await RetryAsync($"/api/offices/{Office}/counters/c1/call-next")).ReadJsonAsync())["ticket"]!["number"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, (await RetryAsync($"/api/offices/{Office}/counters/c1/complete")).StatusCode);

            // B comes back; a display connects to it the moment it is up, and the next call is made through A.
            var port = b.Port;
            await b.DisposeAsync();
            b = await AppProcess.StartAsync(_dataB.Path, Password, port: port, environment: settings);
            await using var display = await LobbyClient.ConnectAsync(b.BaseAddress);
            await display.Connection.InvokeAsync("Subscribe", Office, (string?)null);
            var called = await (await RetryAsync($"/api/offices/{Office}/counters/c1/call-next")).ReadJsonAsync();
            Assert.Equal("A-002", called["ticket"]!["number"]!.GetValue<string>());
            var heard = await display.NextAsync(LobbyMethods.TicketCalled, TimeSpan.FromSeconds(5));
            Assert.Equal("A-002", heard.GetProperty("number").GetString());
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }
}

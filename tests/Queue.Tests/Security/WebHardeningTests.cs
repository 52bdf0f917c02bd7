using System.Net;
using System.Text;
using CounterQueue.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CounterQueue.Tests.Security;

/// <summary>Headers, CORS, JSON depth and the hub's limits, as a hostile page or client would find them.</summary>
[Collection(AppCollection.Name)]
public sealed class WebHardeningTests(AppFixture app)
{
    [Fact]
    public async Task Every_response_carries_the_security_headers_and_pages_keep_their_own_policy()
    {
        using var client = app.CreateClient();
        foreach (var path in new[] { "/api/offices", "/api/offices/no-such-office/services", "/openapi/v1.json", "/health/live" })
        {
            var response = await client.GetAsync(path);
            Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.False(response.Headers.Contains("Strict-Transport-Security")); // plain HTTP: no HSTS
        }
        var page = await client.GetAsync("/kiosk/kawasaki");
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());

        // Served over HTTPS (by its public name): HSTS.
        using var https = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://counterqueue.example") });
        var secure = await https.GetAsync("/api/offices");
        Assert.StartsWith("max-age=", secure.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task Another_origin_gets_no_cors_permission()
    {
        using var client = app.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/offices/kawasaki/tickets");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var answer = await client.SendAsync(preflight);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/offices");
        read.Headers.Add("Origin", "https://evil.example");
        Assert.False((await client.SendAsync(read)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData(40)]
    [InlineData(5000)]
    public async Task Deeply_nested_json_is_refused_with_a_problem_not_followed_down(int depth)
    {
        var office = await app.CreateOfficeAsync();
        using var client = app.CreateClient();
        var body = "{\"serviceId\":\"a\",\"extra\":" + new string('[', depth) + new string(']', depth) + "}";
        var response = await client.PostAsync($"/api/offices/{office.Id}/tickets", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty((await response.ReadJsonAsync())["title"]?.GetValue<string>()));
        var line = await (await client.GetAsync($"/api/offices/{office.Id}/services")).ReadJsonAsync();
        Assert.Equal(0, line.AsArray().Single(s => s!["id"]!.GetValue<string>() == "a")!["waiting"]!.GetValue<int>()); // nothing issued
    }

    [Fact]
    public async Task The_hub_refuses_floods_overlong_arguments_and_oversized_messages()
    {
        await using var lobby = await LobbyClient.ConnectAsync(app.Server);
        var refused = 0;
        for (var i = 0; i < 40; i++)
        {
            try { await lobby.Connection.InvokeAsync("Subscribe", "kawasaki", null); }
            catch (HubException e) when (e.Message.Contains("Too many requests", StringComparison.Ordinal)) { refused++; }
        }
        Assert.InRange(refused, 10, 25); // a burst of 20, then 5 a second

        await using var other = await LobbyClient.ConnectAsync(app.Server);
        var overlong = await Assert.ThrowsAsync<HubException>(() => other.Connection.InvokeAsync("Subscribe", new string('k', 300), null));
        Assert.Contains("not valid", overlong.Message);
        await Assert.ThrowsAsync<HubException>(() => other.Connection.InvokeAsync("FollowTicket", "abc\u0000def"));
        await other.Connection.InvokeAsync("Subscribe", "kawasaki", null); // still served after refusals

        await using var big = await LobbyClient.ConnectAsync(app.Server);
        var closed = new TaskCompletionSource();
        big.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        try { await big.Connection.InvokeAsync("Subscribe", new string('k', 20_000), null); } catch (Exception) { /* the server drops the connection */ }
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HubConnectionState.Disconnected, big.Connection.State);
    }
}

using System.Collections.Concurrent;
using System.Net;
using CounterQueue.Silo.Storage;
using CounterQueue.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CounterQueue.Tests.Api;

/// <summary>
/// Cluster mode with Polly's chaos strategies on the PostgreSQL pipeline: while a share of the database calls fail or
/// are slow, every answer is a ticket or "try again shortly" (503 with Retry-After), never a 500; and once the database
/// behaves, every acknowledged ticket is there once, and no number was handed out twice.
/// </summary>
public sealed class DatabaseChaosTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly AppFixture _app = new();

    public async Task InitializeAsync()
    {
        _app.ExtraSettings["Queue:PostgreSql"] = await TestPostgres.FreshDatabaseAsync();
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_failing_or_slow_database_answers_503_with_Retry_After_and_loses_or_doubles_no_ticket()
    {
        using var staff = _app.AdminClient();
        var office = await _app.CreateOfficeAsync();
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);

        var chaos = _app.Services.GetRequiredService<PostgresChaos>();
        chaos.FaultRate = 0.25;
        chaos.LatencyRate = 0.2;
        chaos.Latency = TimeSpan.FromMilliseconds(300);

        var statuses = new ConcurrentBag<HttpStatusCode>();
        var issued = new ConcurrentBag<(string Id, string Number)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 40), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (visitor, _) =>
        {
            using var client = _app.CreateClient();
            for (var attempt = 0; attempt < 60; attempt++)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, $"/api/offices/{office.Id}/tickets") { Content = System.Net.Http.Json.JsonContent.Create(new { serviceId = "a" }) };
                request.Headers.Add("Idempotency-Key", $"visitor-{visitor}");
                var response = await client.SendAsync(request);
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var body = await response.ReadJsonAsync();
                    issued.Add((body["ticketId"]!.GetValue<string>(), body["number"]!.GetValue<string>()));
                    return;
                }
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
                    $"answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                Assert.True(response.Headers.RetryAfter is not null, "a 503 without Retry-After");
                Assert.Equal("unavailable", (await response.ReadJsonAsync())["code"]!.GetValue<string>());
                await Task.Delay(50);
            }
            Assert.Fail($"visitor {visitor} never got a ticket");
        });
        var calls = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            // Call the next visitor, then complete them; a 409 is a visitor still at the counter (a completion whose
            // answer was a 503 did not happen), so the counter completes first.
            var called = await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null);
            statuses.Add(called.StatusCode);
            Assert.True(called.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict,
                $"call-next answered {(int)called.StatusCode}: {await called.Content.ReadAsStringAsync()}");
            if (called.StatusCode == HttpStatusCode.OK) calls.Add((await called.ReadJsonAsync())["ticket"]!["number"]!.GetValue<string>());
            if (called.StatusCode == HttpStatusCode.ServiceUnavailable) continue;
            var done = await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/complete", null);
            statuses.Add(done.StatusCode);
            Assert.True(done.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                $"complete answered {(int)done.StatusCode}: {await done.Content.ReadAsStringAsync()}");
        }
        var refused = statuses.Count(s => s == HttpStatusCode.ServiceUnavailable);
        output.WriteLine($"{statuses.Count} answers under chaos: {issued.Count} tickets, {calls.Count} calls, {refused} × 503");
        Assert.True(refused > 0, "the chaos never reached a request");

        chaos.FaultRate = chaos.LatencyRate = 0;
        Assert.Equal(40, issued.Count);
        Assert.Equal(40, issued.Select(t => t.Number).Distinct().Count());
        foreach (var (id, number) in issued)
            Assert.Equal(number, (await (await staff.GetAsync($"/api/tickets/{id}")).ReadJsonAsync())["number"]!.GetValue<string>());
        Assert.Equal(calls.Count, calls.Distinct().Count());
        var waiting = (await (await staff.GetAsync($"/api/offices/{office.Id}/services")).ReadJsonAsync()).AsArray()
            .Single(s => s!["id"]!.GetValue<string>() == "a")!["waiting"]!.GetValue<int>();
        Assert.True(waiting + calls.Count <= 40 && waiting >= 40 - calls.Count - 10, $"{waiting} waiting after {calls.Count} calls of 40"); // a call whose answer was a 503 may still have happened
    }
}

using System.Net;
using System.Net.Http.Json;
using CounterQueue.Silo.Storage;
using CounterQueue.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CounterQueue.Tests.Api;

/// <summary>
/// The embedded store refusing to write — here its file turned read-only (SQLite's <c>query_only</c> on the writer, the
/// error a file system remounted read-only or a full disk gives): visitors and staff get 503 with Retry-After and a code
/// saying so (it was a 500 "system error"), readiness says the store cannot write, nothing is acknowledged; once it can
/// write again readiness recovers by itself and the retried visitors get their tickets, each once, numbered without a gap.
/// An app of its own (its store is broken on purpose).
/// </summary>
public sealed class EmbeddedStoreFailureTests : IAsyncLifetime
{
    private readonly AppFixture _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static Task SetReadOnlyAsync(SqliteStore store, bool readOnly) => store.RunOnWriterAsync(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA query_only = {(readOnly ? 1 : 0)}";
        command.ExecuteNonQuery();
    });

    private static HttpRequestMessage Issue(string officeId, string key) =>
        new(HttpMethod.Post, $"/api/offices/{officeId}/tickets")
        {
            Content = JsonContent.Create(new { serviceId = "a" }),
            Headers = { { "Idempotency-Key", key } },
        };

    [Fact]
    public async Task A_store_that_cannot_write_answers_503_says_so_in_readiness_and_loses_or_doubles_no_ticket()
    {
        using var staff = _app.AdminClient();
        using var visitor = _app.CreateClient();
        var office = await _app.CreateOfficeAsync();
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);
        var first = await visitor.SendAsync(Issue(office.Id, "before"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("A-001", (await first.ReadJsonAsync())["number"]!.GetValue<string>());

        var store = _app.Services.GetRequiredService<SqliteStore>();
        await SetReadOnlyAsync(store, true);
        for (var i = 0; i < 3; i++)
        {
            var refused = await visitor.SendAsync(Issue(office.Id, $"during-{i}"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            var problem = await refused.ReadJsonAsync();
            Assert.Equal("storage-unavailable", problem["code"]!.GetValue<string>());
            Assert.Equal("ただいま受付内容を記録できません。しばらくしてからお試しいただくか、係員にお声がけください", problem["title"]!.GetValue<string>());
        }
        // Staff too: calling the visitor in line changes the line, so it cannot be done either.
        var call = await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, call.StatusCode);
        Assert.Equal("storage-unavailable", (await call.ReadJsonAsync())["code"]!.GetValue<string>());

        var ready = await visitor.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var storage = (await ready.ReadJsonAsync())["checks"]!["storage"]!;
        Assert.Equal("Unhealthy", storage["status"]!.GetValue<string>());
        Assert.Contains("cannot write", storage["description"]!.GetValue<string>());
        Assert.Contains("readonly", storage["description"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await visitor.GetAsync("/health/ready")).StatusCode); // still, with nobody writing

        await SetReadOnlyAsync(store, false);
        ready = await visitor.GetAsync("/health/ready"); // recovers by itself (its own small write), before any visitor comes back
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", (await ready.ReadJsonAsync())["checks"]!["storage"]!["status"]!.GetValue<string>());

        // The refused visitors try again with their keys: each gets one ticket, numbered on from A-001 with no gap.
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var retried = await visitor.SendAsync(Issue(office.Id, $"during-{i}"));
            Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
            numbers.Add((await retried.ReadJsonAsync())["number"]!.GetValue<string>());
            var again = await visitor.SendAsync(Issue(office.Id, $"during-{i}"));
            Assert.Equal(numbers[^1], (await again.ReadJsonAsync())["number"]!.GetValue<string>());
        }
        Assert.Equal(["A-002", "A-003", "A-004"], numbers);
        var waiting = (await (await staff.GetAsync($"/api/offices/{office.Id}/tickets?status=waiting")).ReadJsonAsync()).AsArray()
            .Select(t => t!["number"]!.GetValue<string>()).ToList();
        Assert.Equal(["A-001", "A-002", "A-003", "A-004"], waiting);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).StatusCode);
    }
}

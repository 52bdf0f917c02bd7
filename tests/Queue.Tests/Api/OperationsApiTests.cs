using System.Net;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

[Collection(AppCollection.Name)]
public sealed class OperationsApiTests(AppFixture app)
{
    [Fact]
    public async Task Liveness_answers_and_readiness_says_which_checks_passed()
    {
        using var client = app.CreateClient();
        var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = await ready.ReadJsonAsync();
        Assert.Equal("Healthy", report["status"]!.GetValue<string>());
        foreach (var check in new[] { "cluster", "storage", "draining" })
            Assert.Equal("Healthy", report["checks"]![check]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_ticket_routes()
    {
        using var client = app.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/api/offices/{officeId}/tickets"));
        Assert.True(paths.ContainsKey("/api/tickets/{ticketId}"));
        Assert.True(paths.ContainsKey("/api/offices/{officeId}/counters/{counterId}/call-next"));
    }

    [Fact]
    public async Task The_API_reference_page_is_served_without_a_CDN()
    {
        using var client = app.CreateClient();
        var html = await client.GetStringAsync("/docs");
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("cdn.jsdelivr", html);
        Assert.DoesNotContain("fonts.scalar.com", html);
    }

    [Fact]
    public async Task The_runtime_status_shows_the_grains_in_memory_to_an_admin_only()
    {
        var office = await app.CreateOfficeAsync();
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "a" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/admin/runtime")).StatusCode);

        using var admin = app.AdminClient();
        var before = app.Clock.GetUtcNow();
        var status = await (await admin.GetAsync("/api/admin/runtime")).ReadJsonAsync();
        var after = app.Clock.GetUtcNow();
        Assert.True(status["activations"]!["TicketLineGrain"]!.GetValue<int>() >= 1);
        Assert.True(status["activations"]!["OfficeGrain"]!.GetValue<int>() >= 1);
        Assert.True(status["workingSetBytes"]!.GetValue<long>() > 0);
        Assert.InRange(status["now"]!.GetValue<DateTimeOffset>(), before, after); // the app's clock
    }
}

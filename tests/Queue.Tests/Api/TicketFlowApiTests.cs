using System.Net;
using System.Text.Json.Nodes;
using CounterQueue.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CounterQueue.Tests.Api;

[Collection(AppCollection.Name)]
public sealed class TicketFlowApiTests(AppFixture app)
{
    private static async Task<JsonNode> IssueAsync(HttpClient client, string officeId, string serviceId, string? priority = null, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/offices/{officeId}/tickets")
        {
            Content = JsonContent(new { serviceId, priority }),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ticket = await response.ReadJsonAsync();
        Assert.Equal($"/api/tickets/{ticket["ticketId"]}", response.Headers.Location?.OriginalString);
        return ticket;
    }

    private static HttpContent JsonContent(object body) =>
        System.Net.Http.Json.JsonContent.Create(body, options: ApiJson.Options);

    [Fact]
    public async Task A_day_that_starts_at_23_59_50_in_Tokyo_crosses_midnight_through_the_api()
    {
        // 23:59:50 Japan time on the app's clock (it only moves forward).
        var now = CounterQueue.Domain.Calendar.Tokyo.ToLocal(app.Clock.GetUtcNow());
        var lateEvening = new DateTimeOffset(now.Date.AddDays(1).AddSeconds(-10), TimeSpan.FromHours(9));
        app.Clock.SetUtcNow(lateEvening > now ? lateEvening : lateEvening.AddDays(1));
        var office = await app.CreateOfficeAsync();
        using var visitor = app.CreateClient();
        using var staff = app.AdminClient();
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null);
        var late = await IssueAsync(visitor, office.Id, "a");
        var later = await IssueAsync(visitor, office.Id, "a");
        Assert.Equal(["A-001", "A-002"], new[] { late, later }.Select(t => t["number"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).StatusCode);
        var yesterday = app.Today;

        app.Clock.Advance(TimeSpan.FromSeconds(15)); // 00:00:05
        Assert.Equal(yesterday.AddDays(1), app.Today);

        // A new business day: the counter is closed with nothing in hand, numbers start again.
        var counters = (await (await visitor.GetAsync($"/api/offices/{office.Id}/counters")).ReadJsonAsync()).AsArray();
        var c1 = counters.Single(c => c!["id"]!.GetValue<string>() == "c1")!;
        Assert.Equal("closed", c1["state"]!.GetValue<string>());
        Assert.Null(c1["serving"]);
        var today = await IssueAsync(visitor, office.Id, "a");
        Assert.Equal("A-001", today["number"]!.GetValue<string>());
        Assert.Equal(0, today["position"]!.GetValue<int>());
        Assert.StartsWith($"{app.Today:yyyy-MM-dd}T00:00:", today["issuedAt"]!.GetValue<string>());
        var services = (await (await visitor.GetAsync($"/api/offices/{office.Id}/services")).ReadJsonAsync()).AsArray();
        Assert.Equal(1, services.Single(s => s!["id"]!.GetValue<string>() == "a")!["waiting"]!.GetValue<int>()); // today's line only

        // Opened again, the counter calls today's ticket, not yesterday's; yesterday's visitor can still read theirs.
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null);
        var called = await (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).ReadJsonAsync();
        Assert.Equal(today["ticketId"]!.GetValue<string>(), called["ticket"]!["ticketId"]!.GetValue<string>());
        var old = await (await visitor.GetAsync($"/api/tickets/{later["ticketId"]!.GetValue<string>()}")).ReadJsonAsync();
        Assert.Equal("A-002", old["number"]!.GetValue<string>());
    }

    [Fact]
    public async Task Open_issue_three_call_them_in_order_and_complete()
    {
        var office = await app.CreateOfficeAsync();
        using var visitor = app.CreateClient();
        using var staff = app.AdminClient();

        var opened = await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("open", (await opened.ReadJsonAsync())["state"]!.GetValue<string>());

        var tickets = new List<JsonNode>();
        for (var i = 0; i < 3; i++) tickets.Add(await IssueAsync(visitor, office.Id, "a"));
        Assert.Equal(["A-001", "A-002", "A-003"], tickets.Select(t => t["number"]!.GetValue<string>()));
        Assert.Equal([0, 1, 2], tickets.Select(t => t["position"]!.GetValue<int>()));

        foreach (var expected in tickets)
        {
            var call = await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null);
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
            var body = await call.ReadJsonAsync();
            Assert.Equal(expected["number"]!.GetValue<string>(), body["ticket"]!["number"]!.GetValue<string>());
            Assert.Equal("called", body["ticket"]!["status"]!.GetValue<string>());
            Assert.Equal(expected["number"]!.GetValue<string>(), body["counter"]!["serving"]!["number"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/start", null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/complete", null)).StatusCode);
        }

        var done = await (await visitor.GetAsync($"/api/tickets/{tickets[0]["ticketId"]}")).ReadJsonAsync();
        Assert.Equal("done", done["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).StatusCode);
    }

    [Fact]
    public async Task A_ticket_reads_as_the_contract_says_with_Japan_times()
    {
        var office = await app.CreateOfficeAsync();
        using var visitor = app.CreateClient();
        var ticket = await IssueAsync(visitor, office.Id, "b", "assisted");
        var read = await (await visitor.GetAsync($"/api/tickets/{ticket["ticketId"]}")).ReadJsonAsync();
        foreach (var field in new[] { "ticketId", "number", "officeId", "serviceId", "status", "position", "estimatedWaitMinutes", "floor", "issuedAt", "counter", "calledAt", "step" })
            Assert.True(read.AsObject().ContainsKey(field), $"missing {field}");
        Assert.Equal(("B-001", "waiting", "2F", "service", "assisted"),
            (read["number"]!.GetValue<string>(), read["status"]!.GetValue<string>(), read["floor"]!.GetValue<string>(),
             read["step"]!.GetValue<string>(), read["priority"]!.GetValue<string>()));
        Assert.EndsWith("+09:00", read["issuedAt"]!.GetValue<string>());
        Assert.Null(read["counter"]);
        Assert.True(ticket["ticketId"]!.GetValue<string>().Split('.')[^1].Length >= 16); // ≥ 96 random bits
    }

    [Fact]
    public async Task Sixty_visitors_taking_tickets_at_once_get_sixty_distinct_numbers()
    {
        var office = await app.CreateOfficeAsync();
        var tickets = await Task.WhenAll(Enumerable.Range(0, 60).Select(async _ =>
        {
            using var visitor = app.CreateClient();
            return await IssueAsync(visitor, office.Id, "a");
        }));
        var numbers = tickets.Select(t => t["number"]!.GetValue<string>()).ToList();
        Assert.Equal(60, numbers.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 60).Select(i => $"A-{i:000}").Order(), numbers.Order());
    }

    [Fact]
    public async Task A_retry_with_the_same_Idempotency_Key_returns_the_first_ticket()
    {
        var office = await app.CreateOfficeAsync();
        using var kiosk = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        var first = await IssueAsync(kiosk, office.Id, "a", key: key);
        var retries = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => IssueAsync(kiosk, office.Id, "a", key: key)));
        Assert.All(retries, r => Assert.Equal(first["ticketId"]!.GetValue<string>(), r["ticketId"]!.GetValue<string>()));
        var next = await IssueAsync(kiosk, office.Id, "a", key: Guid.NewGuid().ToString());
        Assert.Equal("A-002", next["number"]!.GetValue<string>()); // the retries created nothing
    }

    [Fact]
    public async Task A_ticket_is_answered_only_once_it_is_on_the_disk()
    {
        var office = await app.CreateOfficeAsync();
        using var kiosk = app.CreateClient();
        await IssueAsync(kiosk, office.Id, "a"); // the line is up (activated, its office read)
        Task<HttpResponseMessage> pending;
        // The line hands the ticket's write to the store and answers at once; the request must still wait for the disk.
        using (app.Services.GetRequiredService<CounterQueue.Silo.Storage.SqliteStore>().PauseWriter())
        {
            pending = kiosk.PostAsync($"/api/offices/{office.Id}/tickets", JsonContent(new { serviceId = "a" }));
            await Task.WhenAny(pending, Task.Delay(TimeSpan.FromMilliseconds(500)));
            Assert.False(pending.IsCompleted, "the ticket was acknowledged before its write reached the disk");
        }
        using var response = await pending;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("A-002", (await response.ReadJsonAsync())["number"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_Idempotency_Key_reused_for_another_request_is_refused()
    {
        var office = await app.CreateOfficeAsync();
        using var kiosk = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        await IssueAsync(kiosk, office.Id, "a", key: key);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/offices/{office.Id}/tickets") { Content = JsonContent(new { serviceId = "b" }) };
        request.Headers.Add("Idempotency-Key", key);
        var response = await kiosk.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_visitor_can_cancel_once()
    {
        var office = await app.CreateOfficeAsync();
        using var visitor = app.CreateClient();
        var ticket = await IssueAsync(visitor, office.Id, "a");
        var url = $"/api/tickets/{ticket["ticketId"]}";
        Assert.Equal(HttpStatusCode.NoContent, (await visitor.DeleteAsync(url)).StatusCode);
        Assert.Equal("cancelled", (await (await visitor.GetAsync(url)).ReadJsonAsync())["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await visitor.DeleteAsync(url)).StatusCode);
    }

    [Fact]
    public async Task A_counter_transfer_keeps_the_number_and_the_visitor_follows_it()
    {
        var office = await app.CreateOfficeAsync();
        using var visitor = app.CreateClient();
        using var staff = app.AdminClient();
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null);
        var ticket = await IssueAsync(visitor, office.Id, "a");
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null);
        var transfer = await staff.PostJsonAsync($"/api/offices/{office.Id}/counters/c1/transfer", new { toServiceId = "b" });
        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);

        var read = await (await visitor.GetAsync($"/api/tickets/{ticket["ticketId"]}")).ReadJsonAsync();
        Assert.Equal(("A-001", "b", "waiting"), (read["number"]!.GetValue<string>(), read["serviceId"]!.GetValue<string>(), read["status"]!.GetValue<string>()));
        Assert.Equal(ticket["issuedAt"]!.GetValue<string>(), read["issuedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_guide_redirects_a_waiting_ticket_which_keeps_its_issue_time()
    {
        var office = await app.CreateOfficeAsync();
        using var visitor = app.CreateClient();
        using var guide = app.AdminClient();
        var wrong = await IssueAsync(visitor, office.Id, "a");
        var laterB = await IssueAsync(visitor, office.Id, "b");

        var waiting = await (await guide.GetAsync($"/api/offices/{office.Id}/tickets?status=waiting")).ReadJsonAsync();
        Assert.Equal([wrong["number"]!.GetValue<string>(), laterB["number"]!.GetValue<string>()],
            waiting.AsArray().Select(t => t!["number"]!.GetValue<string>()));

        var redirected = await guide.PostJsonAsync($"/api/tickets/{wrong["ticketId"]}/redirect", new { toServiceId = "b" });
        Assert.Equal(HttpStatusCode.OK, redirected.StatusCode);
        var body = await redirected.ReadJsonAsync();
        Assert.Equal(("b", 0), (body["serviceId"]!.GetValue<string>(), body["position"]!.GetValue<int>()));

        await guide.PostAsync($"/api/offices/{office.Id}/counters/c3/open", null);
        var call = await (await guide.PostAsync($"/api/offices/{office.Id}/counters/c3/call-next", null)).ReadJsonAsync();
        Assert.Equal(wrong["number"]!.GetValue<string>(), call["ticket"]!["number"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ready_moves_a_processed_ticket_to_pickup()
    {
        var office = await app.CreateOfficeAsync();
        using var visitor = app.CreateClient();
        using var staff = app.AdminClient();
        await staff.PostAsync($"/api/offices/{office.Id}/counters/mr/open", null);
        var ticket = await IssueAsync(visitor, office.Id, "m");
        await staff.PostAsync($"/api/offices/{office.Id}/counters/mr/call-next", null);
        var completed = await (await staff.PostAsync($"/api/offices/{office.Id}/counters/mr/complete", null)).ReadJsonAsync();
        Assert.Equal("processing", completed["ticket"]!["step"]!.GetValue<string>());

        var ready = await staff.PostAsync($"/api/tickets/{ticket["ticketId"]}/ready", null);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("pickup", (await ready.ReadJsonAsync())["step"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/tickets/{ticket["ticketId"]}/ready", null)).StatusCode);
    }

    [Fact]
    public async Task A_service_outside_hours_refuses_tickets_saying_when_it_opens()
    {
        var office = await app.CreateOfficeAsync(TestOffices.Create(hours: new() { Weekdays = CounterQueue.Domain.Calendar.DailyHours.Parse("09:00", "09:01"), ClosedDates = [app.Today] }));
        using var visitor = app.CreateClient();
        var response = await visitor.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "a" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("service-closed", problem["code"]!.GetValue<string>());
        Assert.EndsWith("T09:00:00+09:00", problem["nextOpening"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_demo_offices_are_there_with_their_services_floors_and_counters()
    {
        using var visitor = app.CreateClient();
        var offices = (await (await visitor.GetAsync("/api/offices")).ReadJsonAsync()).AsArray();
        var byId = offices.ToDictionary(o => o!["id"]!.GetValue<string>(), o => o!);
        Assert.Equal("ward", byId["kawasaki"]["kind"]!.GetValue<string>());
        Assert.Equal("branch", byId["daishi"]["kind"]!.GetValue<string>());
        Assert.Equal("田島支所", byId["tajima"]["name"]!["ja"]!.GetValue<string>());
        // Ward offices first, then the branches (the index page and kiosks list them in this order).
        var kinds = offices.Select(o => o!["kind"]!.GetValue<string>()).ToList();
        Assert.Equal(kinds.OrderBy(k => k == "ward" ? 0 : 1), kinds);
        var demo = offices.Select(o => o!["id"]!.GetValue<string>()).Where(id => id is "kawasaki" or "daishi" or "tajima");
        Assert.Equal(["kawasaki", "daishi", "tajima"], demo);

        var services = (await (await visitor.GetAsync("/api/offices/kawasaki/services")).ReadJsonAsync()).AsArray();
        var residence = services.Single(s => s!["id"]!.GetValue<string>() == "residence-certificate")!;
        Assert.Equal(("1F", "A"), (residence["floor"]!.GetValue<string>(), residence["ticketPrefix"]!.GetValue<string>()));
        var moving = services.Single(s => s!["id"]!.GetValue<string>() == "moving")!;
        Assert.Equal(["reception", "processing", "pickup"], moving["steps"]!.AsArray().Select(s => s!.GetValue<string>()));

        var counters = (await (await visitor.GetAsync("/api/offices/kawasaki/counters")).ReadJsonAsync()).AsArray();
        Assert.Contains(counters, c => c!["id"]!.GetValue<string>() == "c1" && c["floor"]!.GetValue<string>() == "1F");

        var directory = (await (await visitor.GetAsync("/api/offices/kawasaki/directory?date=2026-12-01")).ReadJsonAsync()).AsArray();
        Assert.Contains(directory, d => d!["sectionId"]!.GetValue<string>() == "elderly-disability" && d["floor"]!.GetValue<string>() == "3F");
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CounterQueue.Domain.Calendar;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

/// <summary>
/// Temporary counters (臨時窓口) with real Quartz on the app's fake clock: a test moves the clock past a session's
/// start or end and waits for Quartz's job to have run (a signal, not a sleep).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class TemporaryCounterApiTests(AppFixture app)
{
    /// <summary>A session from the app's now + <paramref name="startIn"/> for <paramref name="length"/>, in Japan time, on one day.</summary>
    private object Session(TimeSpan startIn, TimeSpan length)
    {
        var start = Tokyo.ToLocal(app.Clock.GetUtcNow() + startIn);
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1);
        if ((start + length).Date != start.Date)
        {
            // Too close to midnight for one session: move the clock on to the next morning (it only goes forward).
            app.Clock.SetUtcNow(new DateTimeOffset(start.Date.AddDays(1).AddHours(9), TimeSpan.FromHours(9)));
            return Session(startIn, length);
        }
        return Poll.SessionBody(start, start + length);
    }

    public static async Task<string?> CounterStateAsync(HttpClient client, string officeId, string counterId)
    {
        var counters = (await (await client.GetAsync($"/api/offices/{officeId}/counters")).ReadJsonAsync()).AsArray();
        return counters.FirstOrDefault(c => c!["id"]!.GetValue<string>() == counterId)?["state"]!.GetValue<string>();
    }

    private static async Task<bool> ServiceOpenAsync(HttpClient client, string officeId, string serviceId)
    {
        var services = (await (await client.GetAsync($"/api/offices/{officeId}/services")).ReadJsonAsync()).AsArray();
        return services.Single(s => s!["id"]!.GetValue<string>() == serviceId)!["open"]!.GetValue<bool>();
    }

    [Fact]
    public async Task A_session_opens_on_time_takes_tickets_and_ends_on_time_serving_those_already_waiting()
    {
        var office = await app.CreateOfficeAsync();
        var runs = await JobRuns.AttachAsync(app.Services);
        using var admin = app.AdminClient();
        using var visitor = app.CreateClient();
        var session = Session(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30));
        var created = await admin.PostJsonAsync($"/api/offices/{office.Id}/temporary-counters",
            new { procedureId = "fureai-free-pass", label = "臨時窓口A", sessions = new[] { session } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var schedule = await created.ReadJsonAsync();
        var id = schedule["id"]!.GetValue<string>();
        Assert.Equal("tmp-fureai-free-pass", schedule["counterId"]!.GetValue<string>());
        Assert.False(schedule["openNow"]!.GetValue<bool>());

        // Before the session: the service exists but takes no ticket.
        var early = await visitor.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "fureai-free-pass" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("closed", await CounterStateAsync(visitor, office.Id, "tmp-fureai-free-pass"));

        // The session's start: Quartz fires, the counter and its service open.
        app.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(2));
        await runs.WaitForAsync(id, 1);
        Assert.Equal("open", await CounterStateAsync(visitor, office.Id, "tmp-fureai-free-pass"));
        var services = (await (await visitor.GetAsync($"/api/offices/{office.Id}/services")).ReadJsonAsync()).AsArray();
        var service = services.Single(s => s!["id"]!.GetValue<string>() == "fureai-free-pass")!;
        Assert.True(service["open"]!.GetValue<bool>());
        Assert.True(service["temporary"]!.GetValue<bool>());
        var notices = (await (await visitor.GetAsync($"/api/offices/{office.Id}/notices")).ReadJsonAsync()).AsArray();
        Assert.Contains(notices, n => n!["text"]!["ja"]!.GetValue<string>().Contains("ふれあいフリーパスの交付申請の臨時窓口を開設しています"));
        var listed = (await (await visitor.GetAsync($"/api/temporary-counters?officeId={office.Id}")).ReadJsonAsync()).AsArray();
        Assert.True(listed.Single()!["openNow"]!.GetValue<bool>());
        Assert.NotEmpty(listed.Single()!["bring"]!.AsArray());

        var first = await visitor.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "fureai-free-pass" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("U-001", (await first.ReadJsonAsync())["number"]!.GetValue<string>());
        var second = await visitor.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "fureai-free-pass" });
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var called = await admin.PostAsync($"/api/offices/{office.Id}/counters/tmp-fureai-free-pass/call-next", null);
        Assert.Equal(HttpStatusCode.OK, called.StatusCode);

        // The session ends: no new tickets; the counter stays open for the visitor still waiting, however often the
        // scheduler checks again.
        app.Clock.Advance(TimeSpan.FromMinutes(30));
        await runs.WaitForAsync(id, 2);
        Assert.False(await ServiceOpenAsync(visitor, office.Id, "fureai-free-pass"));
        Assert.Equal(HttpStatusCode.Conflict, (await visitor.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "fureai-free-pass" })).StatusCode);
        for (var check = 3; check <= 4; check++)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(2)); // past Queue:TemporaryCloseRetry (1 s here)
            await runs.WaitForAsync(id, check);
            Assert.Equal("open", await CounterStateAsync(visitor, office.Id, "tmp-fureai-free-pass"));
        }
        await admin.PostAsync($"/api/offices/{office.Id}/counters/tmp-fureai-free-pass/complete", null);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/offices/{office.Id}/counters/tmp-fureai-free-pass/call-next", null)).StatusCode);
        await admin.PostAsync($"/api/offices/{office.Id}/counters/tmp-fureai-free-pass/complete", null);
        // Its line is empty: the scheduler's next check closes it.
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        await runs.WaitForAsync(id, 5);
        Assert.Equal("closed", await CounterStateAsync(visitor, office.Id, "tmp-fureai-free-pass"));
        // (Test offices are ward offices, which also show other offices' notices: look for this one's only.)
        Assert.DoesNotContain("ふれあいフリーパス", await (await visitor.GetAsync($"/api/offices/{office.Id}/notices")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cancelling_a_schedule_stops_new_tickets_serves_those_waiting_then_closes_the_counter()
    {
        var office = await app.CreateOfficeAsync();
        var runs = await JobRuns.AttachAsync(app.Services);
        using var admin = app.AdminClient();
        var created = await (await admin.PostJsonAsync($"/api/offices/{office.Id}/temporary-counters",
            new { procedureId = "bus-discount", sessions = new[] { Session(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5)) } })).ReadJsonAsync();
        var id = created["id"]!.GetValue<string>();
        app.Clock.Advance(TimeSpan.FromSeconds(12));
        await runs.WaitForAsync(id, 1);
        Assert.Equal("open", await CounterStateAsync(admin, office.Id, "tmp-bus-discount"));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "bus-discount" })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/temporary-counters/{id}")).StatusCode);
        // No new tickets; the visitor already waiting is still served, then the counter closes by itself.
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "bus-discount" })).StatusCode);
        Assert.Equal("open", await CounterStateAsync(admin, office.Id, "tmp-bus-discount"));
        Assert.Empty((await (await admin.GetAsync($"/api/temporary-counters?officeId={office.Id}")).ReadJsonAsync()).AsArray());
        Assert.DoesNotContain("乗合バス割引証", await (await admin.GetAsync($"/api/offices/{office.Id}/notices")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/offices/{office.Id}/counters/tmp-bus-discount/call-next", null)).StatusCode);
        await admin.PostAsync($"/api/offices/{office.Id}/counters/tmp-bus-discount/complete", null);
        app.Clock.Advance(TimeSpan.FromSeconds(2)); // past the close check the cancellation asked for
        await runs.WaitForAsync(id, 2);
        Assert.Equal("closed", await CounterStateAsync(admin, office.Id, "tmp-bus-discount"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/temporary-counters/{id}")).StatusCode);

        // The same counter can be scheduled again over the cancelled session's time.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync($"/api/offices/{office.Id}/temporary-counters",
            new { procedureId = "bus-discount", sessions = new[] { Session(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)) } })).StatusCode);
    }

    /// <summary>Dates relative to the app's clock, which every test in the collection moves forward.</summary>
    private const string Tomorrow = "{tomorrow}", Yesterday = "{yesterday}";

    public static TheoryData<string, object, HttpStatusCode, string> BadSchedules()
    {
        const string tomorrow = Tomorrow, yesterday = Yesterday;
        return new()
        {
            { "closes before opens", new { procedureId = "taxi-voucher", sessions = new[] { new { date = tomorrow, opens = "16:00", closes = "09:00" } } }, HttpStatusCode.BadRequest, "session-closes-before-opens" },
            { "in the past", new { procedureId = "taxi-voucher", sessions = new[] { new { date = yesterday, opens = "09:00", closes = "16:00" } } }, HttpStatusCode.BadRequest, "session-in-past" },
            { "overlapping in the request", new { procedureId = "taxi-voucher", sessions = new[] { new { date = tomorrow, opens = "09:00", closes = "12:00" }, new { date = tomorrow, opens = "11:00", closes = "16:00" } } }, HttpStatusCode.Conflict, "session-overlap" },
            { "unknown procedure", new { procedureId = "nothing", sessions = new[] { new { date = tomorrow, opens = "09:00", closes = "16:00" } } }, HttpStatusCode.NotFound, "procedure-not-found" },
            { "no sessions", new { procedureId = "taxi-voucher", sessions = Array.Empty<object>() }, HttpStatusCode.BadRequest, "validation" },
            { "bad time", new { procedureId = "taxi-voucher", sessions = new[] { new { date = tomorrow, opens = "9時", closes = "16:00" } } }, HttpStatusCode.BadRequest, "validation" },
            { "bad date", new { procedureId = "taxi-voucher", sessions = new[] { new { date = "2027-02-30", opens = "09:00", closes = "16:00" } } }, HttpStatusCode.BadRequest, "validation" },
            { "25 o'clock", new { procedureId = "taxi-voucher", sessions = new[] { new { date = tomorrow, opens = "09:00", closes = "25:00" } } }, HttpStatusCode.BadRequest, "validation" },
        };
    }

    [Theory]
    [MemberData(nameof(BadSchedules))]
    public async Task Bad_schedules_are_refused_with_problem_details(string why, object body, HttpStatusCode status, string code)
    {
        var office = await app.CreateOfficeAsync();
        using var admin = app.AdminClient();
        var json = System.Text.Json.JsonSerializer.Serialize(body)
            .Replace(Tomorrow, app.Today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Replace(Yesterday, app.Today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var response = await admin.PostAsync($"/api/offices/{office.Id}/temporary-counters",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(status == response.StatusCode, $"{why}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await response.ReadJsonAsync())["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_session_overlapping_another_schedule_of_the_same_counter_conflicts_but_another_procedure_may_run_alongside()
    {
        var office = await app.CreateOfficeAsync();
        using var admin = app.AdminClient();
        var day = app.Today.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var first = await admin.PostJsonAsync($"/api/offices/{office.Id}/temporary-counters",
            new { procedureId = "care-cost-ceiling", sessions = new[] { new { date = day, opens = "09:00", closes = "15:30" } } });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var clash = await admin.PostJsonAsync($"/api/offices/{office.Id}/temporary-counters",
            new { procedureId = "care-cost-ceiling", sessions = new[] { new { date = day, opens = "15:00", closes = "16:00" } } });
        Assert.Equal(HttpStatusCode.Conflict, clash.StatusCode);
        var other = await admin.PostJsonAsync($"/api/offices/{office.Id}/temporary-counters",
            new { procedureId = "taxi-voucher", sessions = new[] { new { date = day, opens = "09:00", closes = "15:30" } } });
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    [Fact]
    public async Task Scheduling_needs_an_admin_an_existing_office_and_the_same_idempotency_key_creates_nothing_new()
    {
        var office = await app.CreateOfficeAsync();
        var day = app.Today.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var body = new { procedureId = "taxi-voucher", sessions = new[] { new { date = day, opens = "09:00", closes = "16:00" } } };
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostJsonAsync($"/api/offices/{office.Id}/temporary-counters", body)).StatusCode);
        using var admin = app.AdminClient();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostJsonAsync("/api/offices/no-such-office/temporary-counters", body)).StatusCode);
        admin.DefaultRequestHeaders.Add("Idempotency-Key", "season-2027-0001");
        var a = await (await admin.PostJsonAsync($"/api/offices/{office.Id}/temporary-counters", body)).ReadJsonAsync();
        var b = await admin.PostJsonAsync($"/api/offices/{office.Id}/temporary-counters", body);
        Assert.Equal(HttpStatusCode.Created, b.StatusCode);
        Assert.Equal(a["id"]!.GetValue<string>(), (await b.ReadJsonAsync())["id"]!.GetValue<string>());
        Assert.Single((await (await admin.GetAsync($"/api/temporary-counters?officeId={office.Id}")).ReadJsonAsync()).AsArray());
    }

    [Fact]
    public async Task The_demo_season_and_the_procedures_with_what_to_bring_are_public()
    {
        using var visitor = app.CreateClient();
        var procedures = (await (await visitor.GetAsync("/api/temporary-procedures")).ReadJsonAsync()).AsArray();
        Assert.Equal(["taxi-voucher", "fureai-free-pass", "bus-discount", "care-cost-ceiling"], procedures.Select(p => p!["id"]!.GetValue<string>()));
        Assert.All(procedures, p => Assert.NotEmpty(p!["bring"]!.AsArray()));
        var daishi = (await (await visitor.GetAsync("/api/temporary-counters?officeId=daishi")).ReadJsonAsync()).AsArray();
        Assert.Contains(daishi, s => s!["procedureId"]!.GetValue<string>() == "care-cost-ceiling"
            && s["sessions"]!.AsArray().Any(x => x!["date"]!.GetValue<string>().StartsWith("2027-06", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("/api/temporary-counters?officeId=nowhere")).StatusCode);
    }
}

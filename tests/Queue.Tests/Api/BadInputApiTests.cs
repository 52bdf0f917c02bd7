using System.Net;
using System.Text;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

/// <summary>Whatever a careless or hostile client sends, the answer is a 4xx problem, never a 5xx.</summary>
[Collection(AppCollection.Name)]
public sealed class BadInputApiTests(AppFixture app)
{
    public static TheoryData<string, string, string?, string?, int> Requests => new()
    {
        // method, url, body, content type, expected status
        { "POST", "/api/offices/{office}/tickets", "{\"serviceId\":\"nope\"}", "application/json", 404 },
        { "POST", "/api/offices/no-such-office/tickets", "{\"serviceId\":\"a\"}", "application/json", 404 },
        { "POST", "/api/offices/%2e%2e%2f%2e%2e/tickets", "{\"serviceId\":\"a\"}", "application/json", 404 },
        { "POST", "/api/offices/{office}/tickets", "{}", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "{\"serviceId\":\"\"}", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "{\"serviceId\":42}", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "{\"serviceId\":\"a\",\"priority\":\"vip\"}", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "{\"serviceId\":\"a\",\"priority\":1}", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "{\"serviceId\":\"a\",\"language\":\"<script>\"}", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "{\"serviceId\":", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "[1,2,3]", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "{\"serviceId\":\"a\"} {}", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "{/* */\"serviceId\":\"a\"}", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "{\"serviceId\":\"a\"}", "text/plain", 415 },
        { "POST", "/api/offices/{office}/tickets", "null", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "", "application/json", 400 },
        { "POST", "/api/offices/{office}/tickets", "serviceId=a", "application/x-www-form-urlencoded", 415 },
        { "POST", "/api/offices/{office}/tickets", "{\"serviceId\":\"" + new string('a', 70_000) + "\"}", "application/json", 413 },
        { "POST", "/api/offices/{office}/tickets", "{\"serviceId\":\"" + new string('a', 5_000) + "\"}", "application/json", 400 },
        { "GET", "/api/tickets/nope", null, null, 404 },
        { "GET", "/api/tickets/kawasaki.a.20261124.AAAAAAAAAAAAAAAAAAAAAA", null, null, 404 },
        { "GET", "/api/tickets/{office}.a.20261124.AAAAAAAAAAAAAAAAAAAAAA", null, null, 404 },
        { "GET", "/api/tickets/{office}.a.99991231.AAAAAAAAAAAAAAAAAAAAAA", null, null, 404 },
        { "GET", "/api/tickets/{office}.a.20261399.AAAAAAAAAAAAAAAAAAAAAA", null, null, 404 },
        { "DELETE", "/api/tickets/" + new string('x', 2000), null, null, 404 },
        { "GET", "/api/offices/{office}/directory?date=tomorrow", null, null, 400 },
        { "GET", "/api/offices/nope/services", null, null, 404 },
        { "GET", "/api/offices/{office}/counters", null, null, 200 },
        { "GET", "/api/no-such-route", null, null, 404 },
        { "PUT", "/api/offices/{office}/tickets", "{}", "application/json", 405 },
        { "POST", "/api/auth/token", "{\"username\":\"admin\",\"password\":\"wrong\"}", "application/json", 401 },
        { "POST", "/api/auth/token", "{\"username\":\"nobody\",\"password\":\"x\"}", "application/json", 401 },
        { "POST", "/api/auth/token", "{\"username\":\"../../etc\",\"password\":\"x\"}", "application/json", 401 },
        { "POST", "/api/auth/token", "{}", "application/json", 400 },
        { "POST", "/api/offices/{office}/counters/c1/open", null, null, 401 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Bad_requests_get_a_clear_4xx_problem(string method, string url, string? body, string? contentType, int expected)
    {
        var office = await app.CreateOfficeAsync();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), url.Replace("{office}", office.Id));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType ?? "application/json");
        var response = await client.SendAsync(request);

        Assert.Equal(expected, (int)response.StatusCode);
        if (expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.ReadJsonAsync();
            Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()));
            Assert.Equal(expected, problem["status"]!.GetValue<int>());
            Assert.NotNull(problem["code"]);
            // Every problem names a type of ours, the framework's own (404, 405, 415…) too
            Assert.Equal($"https://counterqueue.example/problems/{problem["code"]!.GetValue<string>()}", problem["type"]?.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_chunked_ticket_body_over_the_cap_is_413_and_one_within_it_is_read()
    {
        var office = await app.CreateOfficeAsync();
        using var client = app.CreateClient();
        static HttpContent Chunked(string json)
        {
            var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))); // no length: sent chunked
            content.Headers.ContentType = new("application/json");
            return content;
        }
        var tooLarge = await client.PostAsync($"/api/offices/{office.Id}/tickets", Chunked("{\"serviceId\":\"" + new string('a', 70_000) + "\"}"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("body-too-large", (await tooLarge.ReadJsonAsync())["code"]?.GetValue<string>());
        var issued = await client.PostAsync($"/api/offices/{office.Id}/tickets", Chunked("\uFEFF{\"serviceId\":\"a\"}")); // with a byte-order mark
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
    }

    [Fact]
    public async Task Staff_actions_on_unknown_counters_or_in_the_wrong_state_are_refused()
    {
        var office = await app.CreateOfficeAsync();
        using var staff = app.AdminClient();
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsync($"/api/offices/{office.Id}/counters/nope/open", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/complete", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostJsonAsync($"/api/offices/{office.Id}/counters/c1/open", new { serviceIds = new[] { "zzz" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostJsonAsync($"/api/offices/{office.Id}/counters/c1/open", new { serviceIds = "a" })).StatusCode);
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostJsonAsync($"/api/offices/{office.Id}/counters/c1/transfer", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostJsonAsync($"/api/offices/{office.Id}/counters/c1/transfer", new { toServiceId = "b" })).StatusCode);
    }

    private static readonly string Day = $"\"date\":\"{CounterQueue.Domain.Calendar.Tokyo.DateOf(AppFixture.Start).AddDays(40):yyyy-MM-dd}\"";

    public static TheoryData<string, string, string?, int> AdminRequests => new()
    {
        // method, url, body, expected status — an administrator's careless or hostile schedules
        { "POST", "/api/offices/{office}/temporary-counters", "{\"procedureId\":\"taxi-voucher\",\"sessions\":\"x\"}", 400 },
        { "POST", "/api/offices/{office}/temporary-counters", "{\"procedureId\":\"taxi-voucher\",\"sessions\":[null]}", 400 },
        { "POST", "/api/offices/{office}/temporary-counters", "{\"procedureId\":\"taxi-voucher\",\"sessions\":[{\"date\":20990317,\"opens\":\"09:00\",\"closes\":\"16:00\"}]}", 400 },
        { "POST", "/api/offices/{office}/temporary-counters", "{\"procedureId\":123,\"sessions\":[{" + Day + ",\"opens\":\"09:00\",\"closes\":\"16:00\"}]}", 400 },
        { "POST", "/api/offices/{office}/temporary-counters", "{\"procedureId\":\"taxi-voucher\",\"label\":\"" + new string('x', 100) + "\",\"sessions\":[{" + Day + ",\"opens\":\"09:00\",\"closes\":\"16:00\"}]}", 400 },
        { "POST", "/api/offices/{office}/temporary-counters", "{\"procedureId\":\"taxi-voucher\",\"sessions\":[{" + Day + ",\"opens\":\"-01:00\",\"closes\":\"16:00\"}]}", 400 },
        { "POST", "/api/offices/{office}/temporary-counters", "{\"procedureId\":\"taxi-voucher\",\"sessions\":[{\"date\":\"0001-01-01\",\"opens\":\"00:00\",\"closes\":\"01:00\"}]}", 400 },
        { "POST", "/api/offices/{office}/temporary-counters", "{\"procedureId\":\"taxi-voucher\",\"sessions\":[{\"date\":\"9999-12-31\",\"opens\":\"09:00\",\"closes\":\"24:00\"}]}", 400 },
        { "POST", "/api/offices/{office}/temporary-counters", "{\"procedureId\":\"taxi-voucher\",\"sessions\":[" + string.Join(",", Enumerable.Repeat("{" + Day + ",\"opens\":\"09:00\",\"closes\":\"16:00\"}", 61)) + "]}", 400 },
        { "POST", "/api/offices/{office}/temporary-counters", "{\"procedureId\":\"taxi-voucher\",\"sessions\":[{" + Day + ",\"opens\":\"09:00\",\"closes\":\"16:00\",\"extra\":{\"deep\":[[[[1]]]]}}]}", 400 }, // an unknown field is refused, not dropped
        { "DELETE", "/api/temporary-counters/" + new string('x', 500), null, 404 },
        { "GET", "/api/temporary-counters?officeId=%3Cscript%3E", null, 404 },
        { "GET", "/api/offices/nope/notices", null, 404 },
    };

    [Theory]
    [MemberData(nameof(AdminRequests))]
    public async Task Bad_administrator_requests_get_a_clear_4xx_problem(string method, string url, string? body, int expected)
    {
        var office = await app.CreateOfficeAsync();
        using var admin = app.AdminClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), url.Replace("{office}", office.Id));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await admin.SendAsync(request);
        Assert.True(expected == (int)response.StatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (expected >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Problem_titles_follow_the_language_asked_for()
    {
        using var client = app.CreateClient();
        var japanese = await (await client.GetAsync("/api/offices/nope/services")).ReadJsonAsync();
        Assert.Equal("その庁舎は見つかりません", japanese["title"]!.GetValue<string>());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/offices/nope/services");
        request.Headers.AcceptLanguage.ParseAdd("en-US,en;q=0.9");
        var english = await (await client.SendAsync(request)).ReadJsonAsync();
        Assert.Equal("Office not found", english["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_malformed_office_definition_is_refused_and_changes_nothing()
    {
        using var admin = app.AdminClient();
        var response = await admin.PutAsync("/api/admin/offices/broken",
            new StringContent("{\"id\":\"broken\",\"kind\":\"ward\",\"name\":{\"ja\":\"x\",\"en\":\"x\"},\"hours\":{},\"services\":[{\"id\":\"s\",\"sectionId\":\"missing\",\"name\":{\"ja\":\"x\",\"en\":\"x\"},\"ticketPrefix\":\"a1\"}]}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/admin/offices/broken")).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CounterQueue.Tests.Support;
using CounterQueue.Web.History;
using Microsoft.Extensions.DependencyInjection;

namespace CounterQueue.Tests.Security;

/// <summary>The audit log: staff and admin changes and sign-ins, who, when, from where; read and exported by admins; kept for its days.</summary>
public sealed class AuditLogTests : IAsyncLifetime
{
    private readonly AppFixture _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Staff_and_admin_changes_and_sign_ins_are_recorded_without_bodies_and_exported_for_admins()
    {
        var office = await _app.CreateOfficeAsync();
        var (staff, username) = await _app.SignedInAsync("staff");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/api/offices/{office.Id}/processing")).StatusCode); // a read: not recorded
        using var anonymous = _app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostJsonAsync("/api/auth/token", new { username = "mallory", password = "Tr0ub4dor&3" })).StatusCode);
        using var admin = _app.AdminClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync($"/api/offices/{office.Id}/relocations", new { sectionId = "sec" })).StatusCode);

        var entries = (await (await admin.GetAsync($"/api/admin/audit?from={_app.Today:yyyy-MM-dd}")).ReadJsonAsync()).AsArray();
        string Line(System.Text.Json.Nodes.JsonNode? e) => $"{e!["user"]} {e["method"]} {e["route"]} {e["status"]}";
        var lines = entries.Select(Line).ToList();
        Assert.Contains($"{username} POST /api/auth/token 200", lines);
        Assert.Contains($"{username} POST /api/offices/{{officeId}}/counters/{{counterId}}/open 200", lines);
        Assert.Contains($"{username} POST /api/offices/{{officeId}}/counters/{{counterId}}/call-next 204", lines);
        Assert.Contains("mallory POST /api/auth/token 401", lines);
        Assert.Contains("admin POST /api/offices/{officeId}/relocations 400", lines);
        Assert.DoesNotContain(lines, l => l.Contains("/processing", StringComparison.Ordinal));
        var open = entries.First(e => e!["route"]!.GetValue<string>().EndsWith("/open", StringComparison.Ordinal))!;
        Assert.Equal($"officeId={office.Id} counterId=c1", open["target"]!.GetValue<string>());
        var json = entries.ToJsonString();
        Assert.DoesNotContain("Tr0ub4dor", json); // never a password
        Assert.DoesNotContain("correct horse", json);
        Assert.Single((await (await admin.GetAsync($"/api/admin/audit?user=mallory")).ReadJsonAsync()).AsArray());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/audit");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csv = await (await admin.SendAsync(request)).Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);
        var text = Encoding.UTF8.GetString(csv[3..]).Split("\r\n");
        Assert.Equal("日時,ユーザー,操作,経路,対象,結果,接続元", text[0]);
        Assert.Contains(text, l => l.Contains($"\"{username}\",\"POST\",\"/api/offices/{{officeId}}/counters/{{counterId}}/open\",\"officeId={office.Id} counterId=c1\",200", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/admin/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/admin/audit?from=2026-13-01")).StatusCode);
    }

    [Fact]
    public async Task Audit_entries_older_than_their_retention_are_deleted()
    {
        var (staff, _) = await _app.SignedInAsync("staff");
        var office = await _app.CreateOfficeAsync();
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null);
        var firstDay = _app.Today;
        _app.Clock.Advance(TimeSpan.FromDays(731)); // Queue:AuditRetentionDays = 730
        await _app.Services.GetRequiredService<HistoryRetention>().RunAsync();
        using var client = _app.CreateClient();
        using var admin = _app.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AppFixture.TokenAsync(client, "admin", AppFixture.AdminPassword));
        var left = (await (await admin.GetAsync($"/api/admin/audit?from={firstDay:yyyy-MM-dd}&to={_app.Today:yyyy-MM-dd}")).ReadJsonAsync()).AsArray();
        Assert.DoesNotContain(left, e => e!["route"]!.GetValue<string>().EndsWith("/open", StringComparison.Ordinal));
        Assert.Contains(left, e => e!["route"]!.GetValue<string>() == "/api/auth/token" && e["user"]!.GetValue<string>() == "admin"); // today's sign-in stays
    }
}

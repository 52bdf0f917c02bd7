using System.Net;
using System.Net.Http.Headers;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

[Collection(AppCollection.Name)]
public sealed class IdentityApiTests(AppFixture app)
{
    private async Task<HttpClient> SignedInAsync(string role) => (await app.SignedInAsync(role)).Client;

    [Fact]
    public async Task A_token_carries_an_expiry_in_Japan_time()
    {
        using var client = app.CreateClient();
        var body = await (await client.PostJsonAsync("/api/auth/token", new { username = "admin", password = AppFixture.AdminPassword })).ReadJsonAsync();
        Assert.EndsWith("+09:00", body["expiresAt"]!.GetValue<string>());
        Assert.True(DateTimeOffset.Parse(body["expiresAt"]!.GetValue<string>()) > app.Clock.GetUtcNow().AddHours(1));
    }

    [Fact]
    public async Task Staff_can_work_a_counter_but_not_redirect_or_administer()
    {
        var office = await app.CreateOfficeAsync();
        using var staff = await SignedInAsync("staff");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/api/offices/{office.Id}/tickets?status=waiting")).StatusCode);
        var forbidden = await staff.PostJsonAsync("/api/admin/users", new { username = "x", password = "12345678", roles = new[] { "admin" } });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_guide_can_read_the_line_but_not_work_a_counter()
    {
        var office = await app.CreateOfficeAsync();
        using var guide = await SignedInAsync("guide");
        Assert.Equal(HttpStatusCode.OK, (await guide.GetAsync($"/api/offices/{office.Id}/tickets?status=waiting")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await guide.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);
    }

    [Fact]
    public async Task A_forged_or_garbled_token_is_refused()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJl");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/offices/kawasaki/counters/c1/open", null)).StatusCode);
    }

    [Fact]
    public async Task Users_are_unique_and_checked()
    {
        using var admin = app.AdminClient();
        var username = $"u-{Guid.NewGuid():N}"[..12];
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/admin/users", new { username, password = "long enough", roles = new[] { "staff", "guide" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync("/api/admin/users", new { username, password = "long enough", roles = new[] { "staff" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/admin/users", new { username = "v", password = "short", roles = new[] { "staff" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/admin/users", new { username = "w", password = "long enough", roles = new[] { "root" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/admin/users", new { username = "bad name!", password = "long enough", roles = new[] { "staff" } })).StatusCode);
    }
}

using System.Net;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

/// <summary>Floor guides over the API: search, and a redirect that keeps the visitor's place and is recorded with who and when.</summary>
[Collection(AppCollection.Name)]
public sealed class GuideApiTests(AppFixture app)
{
    [Fact]
    public async Task A_guide_redirects_a_ticket_taken_for_the_wrong_place_it_keeps_its_place_and_the_redirect_is_recorded()
    {
        var office = await app.CreateOfficeAsync();
        var (guide, username) = await app.SignedInAsync("guide");
        using var _ = guide;
        using var visitor = app.CreateClient();

        var wrong = await (await visitor.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "a" })).ReadJsonAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var later = await (await visitor.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "b" })).ReadJsonAsync();
        var wrongId = wrong["ticketId"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.PostJsonAsync($"/api/tickets/{wrongId}/redirect", new { toServiceId = "b" })).StatusCode);
        var redirected = await guide.PostJsonAsync($"/api/tickets/{wrongId}/redirect", new { toServiceId = "b" });
        Assert.Equal(HttpStatusCode.OK, redirected.StatusCode);
        var moved = await redirected.ReadJsonAsync();
        Assert.Equal((wrong["number"]!.GetValue<string>(), "b", 0), (moved["number"]!.GetValue<string>(), moved["serviceId"]!.GetValue<string>(), moved["position"]!.GetValue<int>()));
        Assert.Equal(1, (await (await visitor.GetAsync($"/api/tickets/{later["ticketId"]}")).ReadJsonAsync())["position"]!.GetValue<int>());

        var log = (await (await guide.GetAsync($"/api/offices/{office.Id}/redirects")).ReadJsonAsync()).AsArray();
        var entry = Assert.Single(log)!;
        Assert.Equal((wrongId, "a", "b", username), (entry["ticketId"]!.GetValue<string>(), entry["fromServiceId"]!.GetValue<string>(),
            entry["toServiceId"]!.GetValue<string>(), entry["by"]!.GetValue<string>()));
        Assert.True(Math.Abs((entry["at"]!.GetValue<DateTimeOffset>() - app.Clock.GetUtcNow()).TotalMinutes) < 1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.GetAsync($"/api/offices/{office.Id}/redirects")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await guide.GetAsync($"/api/offices/{office.Id}/redirects?date=yesterday")).StatusCode);
    }

    [Fact]
    public async Task Search_answers_where_a_service_is_now_and_bad_queries_get_a_400()
    {
        using var visitor = app.CreateClient();
        var found = (await (await visitor.GetAsync("/api/offices/kawasaki/search?q=%E3%83%8F%E3%83%B3%E3%82%B3")).ReadJsonAsync()).AsArray(); // ハンコ
        var first = found.First()!;
        Assert.Equal(("seal-registration", "2F", "residents"), (first["serviceId"]!.GetValue<string>(), first["floor"]!.GetValue<string>(), first["sectionId"]!.GetValue<string>()));
        Assert.True(first["waiting"]!.GetValue<int>() >= 0);
        Assert.Empty((await (await visitor.GetAsync("/api/offices/kawasaki/search?q=zzzz")).ReadJsonAsync()).AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.GetAsync("/api/offices/kawasaki/search")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.GetAsync($"/api/offices/kawasaki/search?q={new string('x', 51)}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.GetAsync("/api/offices/kawasaki/search?q=%00")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("/api/offices/nowhere/search?q=a")).StatusCode);
    }
}

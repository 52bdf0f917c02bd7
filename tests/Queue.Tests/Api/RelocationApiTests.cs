using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CounterQueue.Domain.Calendar;
using CounterQueue.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace CounterQueue.Tests.Api;

/// <summary>Relocations (移転) over the API on the app's fake clock: announced ahead, in effect on time for everyone.</summary>
[Collection(AppCollection.Name)]
public sealed class RelocationApiTests(AppFixture app)
{
    [Fact]
    public async Task A_move_taking_effect_while_people_wait_tells_their_phones_and_the_displays_and_new_tickets_say_the_new_floor()
    {
        var office = await app.CreateOfficeAsync(); // section "sec" (区民課) on 2F, counters c1/c2 on 2F
        var runs = await JobRuns.AttachAsync(app.Services);
        using var admin = app.AdminClient();
        using var visitor = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);
        var waiting = await (await visitor.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "a" })).ReadJsonAsync();
        var ticketId = waiting["ticketId"]!.GetValue<string>();
        Assert.Equal("2F", waiting["floor"]!.GetValue<string>());

        var effective = app.Clock.GetUtcNow().AddMinutes(10);
        var created = await admin.PostJsonAsync($"/api/offices/{office.Id}/relocations",
            new { sectionId = "sec", toFloor = "5F", toArea = new { ja = "5階 南側", en = "south side of floor 5" }, effectiveFrom = effective });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var relocationId = (await created.ReadJsonAsync())["id"]!.GetValue<string>();
        var month = Tokyo.ToLocal(effective);

        // Ahead of it: the displays' and kiosk's notices say it, in every language; the directory says what comes.
        var notices = (await (await visitor.GetAsync($"/api/offices/{office.Id}/notices")).ReadJsonAsync()).AsArray();
        var notice = notices.Single(n => n!["kind"]!.GetValue<string>() == "relocation")!;
        Assert.Equal($"{month.Month}月{month.Day}日から区民課は5階 南側に移ります。", notice["text"]!["ja"]!.GetValue<string>());
        Assert.All(new[] { "en", "zh", "ko", "vi" }, l => Assert.False(string.IsNullOrEmpty(notice["text"]![l]?.GetValue<string>())));
        var entry = (await (await visitor.GetAsync($"/api/offices/{office.Id}/directory")).ReadJsonAsync()).AsArray().Single()!;
        Assert.Equal(("2F", "5F"), (entry["floor"]!.GetValue<string>(), entry["upcoming"]!["floor"]!.GetValue<string>()));

        // A phone follows the waiting ticket; a whole-office display and the new floor's display listen.
        await using var phone = await LobbyClient.ConnectAsync(app.Server);
        await phone.Connection.InvokeAsync<JsonElement>("FollowTicket", ticketId);
        await using var display = await LobbyClient.ConnectAsync(app.Server);
        await display.Connection.InvokeAsync("Subscribe", office.Id, (string?)null);
        await using var fifthFloor = await LobbyClient.ConnectAsync(app.Server);
        await fifthFloor.Connection.InvokeAsync("Subscribe", office.Id, "5F"); // a floor the office has from the move on

        app.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(2));
        await runs.WaitForAsync(relocationId, 1);

        var updated = await phone.NextAsync("TicketUpdated");
        Assert.Equal(("5F", ticketId), (updated.GetProperty("floor").GetString(), updated.GetProperty("ticketId").GetString()));
        var told = await display.NextAsync("Notice");
        Assert.Equal(("relocation", "区民課は5階 南側に移りました。"), (told.GetProperty("kind").GetString(), told.GetProperty("text").GetProperty("ja").GetString()));
        var counter = await fifthFloor.NextAsync("CounterChanged"); // c1 now shows on the 5th floor's display
        Assert.Equal(office.Id, counter.GetProperty("officeId").GetString());

        Assert.Equal("5F", (await (await visitor.GetAsync($"/api/tickets/{ticketId}")).ReadJsonAsync())["floor"]!.GetValue<string>());
        var next = await (await visitor.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "a" })).ReadJsonAsync();
        Assert.Equal("5F", next["floor"]!.GetValue<string>());
        var counters = (await (await visitor.GetAsync($"/api/offices/{office.Id}/counters")).ReadJsonAsync()).AsArray();
        Assert.Equal("5F", counters.Single(c => c!["id"]!.GetValue<string>() == "c1")!["floor"]!.GetValue<string>());
        var services = (await (await visitor.GetAsync($"/api/offices/{office.Id}/services")).ReadJsonAsync()).AsArray();
        Assert.All(services, s => Assert.Equal("5F", s!["floor"]!.GetValue<string>()));
        entry = (await (await visitor.GetAsync($"/api/offices/{office.Id}/directory")).ReadJsonAsync()).AsArray().Single()!;
        Assert.Equal(("5F", "5階 南側", "2F", app.Today.ToString("yyyy-MM-dd")),
            (entry["floor"]!.GetValue<string>(), entry["area"]!["ja"]!.GetValue<string>(), entry["movedFrom"]!["floor"]!.GetValue<string>(), entry["movedFrom"]!["until"]!.GetValue<string>()));
        // Yesterday it was on 2F.
        var yesterday = (await (await visitor.GetAsync($"/api/offices/{office.Id}/directory?date={app.Today.AddDays(-1):yyyy-MM-dd}")).ReadJsonAsync()).AsArray().Single()!;
        Assert.Equal("2F", yesterday["floor"]!.GetValue<string>());

        // In effect: no longer changed or cancelled.
        var change = await admin.PutAsJsonAsync($"/api/offices/{office.Id}/relocations/{relocationId}", new { sectionId = "sec", toFloor = "6F", effectiveFrom = effective.AddDays(1) });
        Assert.Equal(HttpStatusCode.Conflict, change.StatusCode);
        Assert.Equal("relocation-in-effect", (await change.ReadJsonAsync())["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync($"/api/offices/{office.Id}/relocations/{relocationId}")).StatusCode);
    }

    [Fact]
    public async Task A_planned_move_is_changed_and_cancelled_and_bad_moves_get_a_clear_problem()
    {
        var office = await app.CreateOfficeAsync();
        using var admin = app.AdminClient();
        using var visitor = app.CreateClient();
        using var guide = (await app.SignedInAsync("guide")).Client;
        var path = $"/api/offices/{office.Id}/relocations";
        var at = app.Clock.GetUtcNow().AddDays(20);
        var body = new { sectionId = "sec", toFloor = "4F", effectiveFrom = at };
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.PostJsonAsync(path, body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await guide.PostJsonAsync(path, body)).StatusCode); // a guide cannot administer

        async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status, string code)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(code, (await response.ReadJsonAsync())["code"]!.GetValue<string>());
        }
        await ExpectAsync(await admin.PostJsonAsync(path, new { sectionId = "nope", toFloor = "4F", effectiveFrom = at }), HttpStatusCode.NotFound, "section-not-found");
        await ExpectAsync(await admin.PostJsonAsync(path, new { sectionId = "sec", toFloor = "", effectiveFrom = at }), HttpStatusCode.BadRequest, "validation");
        await ExpectAsync(await admin.PostJsonAsync(path, new { sectionId = "sec", toFloor = "4F" }), HttpStatusCode.BadRequest, "validation");
        await ExpectAsync(await admin.PostJsonAsync(path, new { sectionId = "sec", toFloor = "4F", effectiveFrom = at.AddYears(-1) }), HttpStatusCode.BadRequest, "validation");
        await ExpectAsync(await admin.PostJsonAsync(path, new { sectionId = "sec", toFloor = "4F\u0007", effectiveFrom = at }), HttpStatusCode.BadRequest, "validation");
        await ExpectAsync(await admin.PostJsonAsync(path, new { sectionId = "sec", toFloor = new string('F', 11), effectiveFrom = at }), HttpStatusCode.BadRequest, "validation");
        var malformed = await admin.PostAsync(path, new StringContent("{\"sectionId\":\"sec\",\"effectiveFrom\":\"soon\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var created = await admin.PostJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync())["id"]!.GetValue<string>();
        await ExpectAsync(await admin.PostJsonAsync(path, body), HttpStatusCode.BadRequest, "validation"); // the same moment twice
        var changed = await admin.PutAsJsonAsync($"{path}/{id}", new { sectionId = "sec", toFloor = "6F", effectiveFrom = at.AddDays(1) });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var list = (await (await visitor.GetAsync(path)).ReadJsonAsync()).AsArray();
        Assert.Equal(("6F", at.AddDays(1)), (list.Single()!["toFloor"]!.GetValue<string>(), list.Single()!["effectiveFrom"]!.GetValue<DateTimeOffset>()));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{path}/{id}")).StatusCode);
        Assert.Empty((await (await visitor.GetAsync(path)).ReadJsonAsync()).AsArray());
        await ExpectAsync(await admin.DeleteAsync($"{path}/{id}"), HttpStatusCode.NotFound, "relocation-not-found");
        await ExpectAsync(await admin.PutAsJsonAsync($"{path}/nope", body), HttpStatusCode.NotFound, "relocation-not-found");
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.GetAsync($"/api/offices/{office.Id}/directory?date=2026-02-30")).StatusCode);
    }
}

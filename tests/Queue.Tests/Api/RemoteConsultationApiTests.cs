using System.Net.Http.Json;
using System.Net;
using CounterQueue.Domain;
using CounterQueue.Domain.Offices;
using CounterQueue.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace CounterQueue.Tests.Api;

/// <summary>A branch's booth and the ward office over the API and the hub, on the app's fake clock.</summary>
[Collection(AppCollection.Name)]
public sealed class RemoteConsultationApiTests(AppFixture app)
{
    [Fact]
    public async Task The_booth_flips_to_ward_busy_and_back_as_the_ward_line_grows_and_shrinks_and_a_request_is_called_like_any_ticket()
    {
        var ward = await app.CreateOfficeAsync(); // service "a" of section "sec", counters c1, c2 …
        var branch = TestOffices.Create() with
        {
            Kind = OfficeKind.Branch,
            RemoteConsultation = new RemoteConsultationPolicy
            {
                WardOfficeId = ward.Id, Hours = TestOffices.AlwaysOpen, BusyWhenWaiting = 2, VideoUrl = "https://video.example.jp/room/{ticketId}",
                Topics = [new RemoteTopic { Id = "residents", SectionId = "sec", ServiceId = "a", Name = new LocalizedText("区民課の相談", "Residents") }],
            },
        };
        await app.CreateOfficeAsync(branch);
        using var visitor = app.CreateClient();
        using var staff = app.AdminClient();
        var url = $"/api/offices/{branch.Id}/remote-consultation";
        var state = await (await visitor.GetAsync(url)).ReadJsonAsync();
        Assert.True(state["available"]!.GetValue<bool>());
        Assert.Equal("residents", state["topics"]![0]!["topicId"]!.GetValue<string>());
        await using var booth = await LobbyClient.ConnectAsync(app.Server);
        await booth.Connection.InvokeAsync("Subscribe", branch.Id, (string?)null);
        app.Clock.Advance(TimeSpan.FromSeconds(6)); // the monitor's first look at the branch: its state is published once
        var first = await booth.NextAsync("RemoteConsultationChanged");
        Assert.Equal((branch.Id, true), (first.GetProperty("officeId").GetString(), first.GetProperty("available").GetBoolean()));

        // Two walk-ins wait at the ward: busy; the booth is told without asking, and a request is refused with the reason.
        var walkIns = new List<string>();
        for (var i = 0; i < 2; i++)
            walkIns.Add((await (await visitor.PostJsonAsync($"/api/offices/{ward.Id}/tickets", new { serviceId = "a" })).ReadJsonAsync())["ticketId"]!.GetValue<string>());
        app.Clock.Advance(TimeSpan.FromSeconds(6));
        var busy = await booth.NextAsync("RemoteConsultationChanged");
        Assert.Equal((branch.Id, false, "wardBusy"), (busy.GetProperty("officeId").GetString(), busy.GetProperty("available").GetBoolean(), busy.GetProperty("reason").GetString()));
        Assert.Equal("wardBusy", (await (await visitor.GetAsync(url)).ReadJsonAsync())["reason"]!.GetValue<string>());
        var refused = await visitor.PostJsonAsync($"{url}/requests", new { topicId = "residents" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.ReadJsonAsync();
        Assert.Equal(("remote-consultation-unavailable", "wardBusy"), (problem["code"]!.GetValue<string>(), problem["reason"]!.GetValue<string>()));

        // The ward calls one: under the threshold again, and the booth is told.
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{ward.Id}/counters/c1/open", null)).StatusCode);
        Assert.Equal(walkIns[0], (await (await staff.PostAsync($"/api/offices/{ward.Id}/counters/c1/call-next", null)).ReadJsonAsync())["ticket"]!["ticketId"]!.GetValue<string>());
        app.Clock.Advance(TimeSpan.FromSeconds(6));
        var free = await booth.NextAsync("RemoteConsultationChanged");
        Assert.True(free.GetProperty("available").GetBoolean());

        // A request joins the section's line at the ward office as a ticket of channel "remote", behind the walk-in before it.
        var placed = await visitor.PostJsonAsync($"{url}/requests", new { topicId = "residents", language = "en" });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var result = await placed.ReadJsonAsync();
        var ticket = result["ticket"]!;
        Assert.Equal((ward.Id, "a", "remote", 1), (ticket["officeId"]!.GetValue<string>(), ticket["serviceId"]!.GetValue<string>(), ticket["channel"]!.GetValue<string>(), ticket["position"]!.GetValue<int>()));
        Assert.Equal($"https://video.example.jp/room/{ticket["ticketId"]!.GetValue<string>()}", result["videoUrl"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{ward.Id}/counters/c1/complete", null)).StatusCode);
        Assert.Equal(walkIns[1], (await (await staff.PostAsync($"/api/offices/{ward.Id}/counters/c1/call-next", null)).ReadJsonAsync())["ticket"]!["ticketId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{ward.Id}/counters/c1/complete", null)).StatusCode);
        var called = await (await staff.PostAsync($"/api/offices/{ward.Id}/counters/c1/call-next", null)).ReadJsonAsync();
        Assert.Equal(ticket["ticketId"]!.GetValue<string>(), called["ticket"]!["ticketId"]!.GetValue<string>());

        // Bad input.
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.PostJsonAsync($"{url}/requests", new { topicId = "nope" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.PostJsonAsync($"{url}/requests", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.PostJsonAsync($"{url}/requests", new { topicId = "residents", language = "not a language!" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/api/offices/{ward.Id}/remote-consultation")).StatusCode); // no booth there
    }

    [Fact]
    public async Task An_administrator_sets_the_booths_hours_and_threshold_and_bad_settings_are_refused()
    {
        var ward = await app.CreateOfficeAsync();
        var branch = await app.CreateOfficeAsync(TestOffices.Create() with { Kind = OfficeKind.Branch });
        using var admin = app.AdminClient();
        var path = $"/api/admin/offices/{branch.Id}/remote-consultation";
        var policy = new
        {
            wardOfficeId = ward.Id, busyWhenWaiting = 4,
            hours = new { weekdays = new { opens = "09:00", closes = "16:00" } },
            topics = new[] { new { id = "residents", sectionId = "sec", serviceId = "a", name = new { ja = "区民課の相談", en = "Residents" } } },
        };
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PutAsJsonAsync(path, policy)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(path, policy)).StatusCode);
        var state = await (await app.CreateClient().GetAsync($"/api/offices/{branch.Id}/remote-consultation")).ReadJsonAsync();
        Assert.Equal("09:00", state["hours"]!["weekdays"]!["opens"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync(path, policy with { busyWhenWaiting = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"/api/admin/offices/{ward.Id}/remote-consultation", policy)).StatusCode); // not a branch
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync(path, policy with { wardOfficeId = "nowhere" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync(path, policy with
        {
            topics = new[] { new { id = "x", sectionId = "sec", serviceId = "zzz", name = new { ja = "x", en = "x" } } },
        })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync($"/api/offices/{branch.Id}/remote-consultation")).StatusCode);
    }
}

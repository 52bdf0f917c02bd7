using System.Net;
using CounterQueue.Silo.Lobby;
using CounterQueue.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace CounterQueue.Tests.Api;

[Collection(AppCollection.Name)]
public sealed class LobbyHubTests(AppFixture app)
{

    private async Task<string> IssueAsync(string officeId, string serviceId)
    {
        using var visitor = app.CreateClient();
        var response = await visitor.PostJsonAsync($"/api/offices/{officeId}/tickets", new { serviceId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync())["ticketId"]!.GetValue<string>();
    }

    [Fact]
    public async Task TicketCalled_reaches_the_office_and_floor_it_is_for_and_no_other()
    {
        var office = await app.CreateOfficeAsync();
        var other = await app.CreateOfficeAsync();
        await using var wholeOffice = await LobbyClient.ConnectAsync(app.Server);
        await using var thirdFloor = await LobbyClient.ConnectAsync(app.Server);
        await using var secondFloor = await LobbyClient.ConnectAsync(app.Server);
        await using var otherOffice = await LobbyClient.ConnectAsync(app.Server);
        await wholeOffice.Connection.InvokeAsync("Subscribe", office.Id, (string?)null);
        await thirdFloor.Connection.InvokeAsync("Subscribe", office.Id, "3F");
        await secondFloor.Connection.InvokeAsync("Subscribe", office.Id, "2F");
        await otherOffice.Connection.InvokeAsync("Subscribe", other.Id, (string?)null);

        using var staff = app.AdminClient();
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c3/open", null); // c3 is on 3F
        await IssueAsync(office.Id, "b");
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c3/call-next", null);

        foreach (var display in new[] { wholeOffice, thirdFloor })
        {
            var called = await display.NextAsync(LobbyMethods.TicketCalled);
            Assert.Equal("B-001", called.GetProperty("number").GetString());
            Assert.Equal("c3", called.GetProperty("counterId").GetString());
            Assert.Equal("3F", called.GetProperty("floor").GetString());
            Assert.Equal("3番窓口".Replace("3", "c3"), called.GetProperty("counterLabel").GetProperty("ja").GetString());
            Assert.False(called.GetProperty("recall").GetBoolean());
            Assert.EndsWith("+09:00", called.GetProperty("calledAt").GetString());
            Assert.False(called.TryGetProperty("ticketId", out _)); // nothing private in the lobby
        }

        // The other office, and the 2nd floor of this one, hear nothing of it: the first call each hears is one of
        // its own made afterwards (an explicit signal that what was sent their way has arrived, instead of a wait).
        await staff.PostAsync($"/api/offices/{other.Id}/counters/c1/open", null);
        await IssueAsync(other.Id, "a");
        await staff.PostAsync($"/api/offices/{other.Id}/counters/c1/call-next", null);
        Assert.Equal("A-001", (await otherOffice.NextAsync(LobbyMethods.TicketCalled)).GetProperty("number").GetString());
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null); // c1 is on 2F
        await IssueAsync(office.Id, "a");
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null);
        Assert.Equal("A-001", (await secondFloor.NextAsync(LobbyMethods.TicketCalled)).GetProperty("number").GetString());
        Assert.DoesNotContain(otherOffice.Drain(), e => e.Method == LobbyMethods.TicketCalled);
        Assert.DoesNotContain(secondFloor.Drain(), e => e.Method == LobbyMethods.TicketCalled);
    }

    [Fact]
    public async Task A_recall_is_announced_again()
    {
        var office = await app.CreateOfficeAsync();
        await using var display = await LobbyClient.ConnectAsync(app.Server);
        await display.Connection.InvokeAsync("Subscribe", office.Id, (string?)null);
        using var staff = app.AdminClient();
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null);
        await IssueAsync(office.Id, "a");
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null);
        Assert.False((await display.NextAsync(LobbyMethods.TicketCalled)).GetProperty("recall").GetBoolean());
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/recall", null);
        var recall = await display.NextAsync(LobbyMethods.TicketCalled);
        Assert.True(recall.GetProperty("recall").GetBoolean());
        Assert.Equal("A-001", recall.GetProperty("number").GetString());
    }

    [Fact]
    public async Task TicketUpdated_goes_only_to_the_tickets_follower()
    {
        var office = await app.CreateOfficeAsync();
        var mine = await IssueAsync(office.Id, "a");
        var theirs = await IssueAsync(office.Id, "a");
        await using var myPhone = await LobbyClient.ConnectAsync(app.Server);
        await using var theirPhone = await LobbyClient.ConnectAsync(app.Server);
        await using var display = await LobbyClient.ConnectAsync(app.Server);
        var current = await myPhone.Connection.InvokeAsync<System.Text.Json.JsonElement>("FollowTicket", mine);
        Assert.Equal("waiting", current.GetProperty("status").GetString());
        await theirPhone.Connection.InvokeAsync<System.Text.Json.JsonElement>("FollowTicket", theirs);
        await display.Connection.InvokeAsync("Subscribe", office.Id, (string?)null);

        using var staff = app.AdminClient();
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null);
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null); // calls mine

        var update = await myPhone.NextAsync(LobbyMethods.TicketUpdated);
        Assert.Equal(("called", "c1"), (update.GetProperty("status").GetString(), update.GetProperty("counter").GetProperty("id").GetString()));
        await display.NextAsync(LobbyMethods.TicketCalled);

        // Then theirs is called: the first update their phone hears is about their own ticket, and the display hears
        // that call and no ticket's update (explicit signals that mine's events have been delivered, instead of a wait).
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/complete", null);
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null);
        var theirUpdate = await theirPhone.NextAsync(LobbyMethods.TicketUpdated);
        Assert.Equal(theirs, theirUpdate.GetProperty("ticketId").GetString());
        Assert.Equal("A-002", (await display.NextAsync(LobbyMethods.TicketCalled)).GetProperty("number").GetString());
        Assert.DoesNotContain(theirPhone.Drain(), e => e.Method == LobbyMethods.TicketUpdated && e.Payload.GetProperty("ticketId").GetString() == mine);
        Assert.DoesNotContain(display.Drain(), e => e.Method == LobbyMethods.TicketUpdated);
    }

    [Fact]
    public async Task Queue_lengths_and_counter_changes_are_pushed()
    {
        var office = await app.CreateOfficeAsync();
        await using var display = await LobbyClient.ConnectAsync(app.Server);
        await display.Connection.InvokeAsync("Subscribe", office.Id, (string?)null);
        using var staff = app.AdminClient();
        await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null);
        var changed = await display.NextAsync(LobbyMethods.CounterChanged);
        Assert.Equal(("c1", "open"), (changed.GetProperty("counterId").GetString(), changed.GetProperty("state").GetString()));
        await IssueAsync(office.Id, "a");
        JsonElementAssert(await display.NextAsync(LobbyMethods.QueueUpdated));

        static void JsonElementAssert(System.Text.Json.JsonElement queue)
        {
            Assert.Equal("a", queue.GetProperty("serviceId").GetString());
            Assert.True(queue.GetProperty("waiting").GetInt32() >= 0);
        }
    }

    [Fact]
    public async Task Subscribing_to_an_unknown_office_floor_or_ticket_is_refused()
    {
        var office = await app.CreateOfficeAsync();
        await using var client = await LobbyClient.ConnectAsync(app.Server);
        await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync("Subscribe", "no-such-office", (string?)null));
        await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync("Subscribe", office.Id, "99F"));
        await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<object>("FollowTicket", "not-a-ticket"));
    }

    [Fact]
    public async Task The_lobby_and_the_visitors_phone_hear_numbers_never_the_name_or_contact_given_with_a_booking()
    {
        var office = TestOffices.Create(); // always open
        office = await app.CreateOfficeAsync(office with
        {
            Services = office.Services.Select(s => s.Id == "a"
                ? s with { Bookable = true, Booking = new CounterQueue.Domain.Bookings.SlotPolicy { SlotMinutes = 30, Capacity = 3, HorizonDays = 30, CutoffMinutes = 60 } }
                : s).ToList(),
        });
        using var visitor = app.CreateClient();
        using var staff = app.AdminClient();
        var now = app.Clock.GetUtcNow();
        var start = now.AddHours(2).AddTicks(-(now.AddHours(2).Ticks % TimeSpan.FromMinutes(30).Ticks)).AddMinutes(30);
        var booked = await visitor.PostJsonAsync("/api/bookings", new
        {
            officeId = office.Id, serviceId = "a", start, language = "ja",
            contact = new { name = "鈴木 一郎", phone = "080-3333-4444", email = "ichiro.suzuki@example.jp" },
        });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var bookingId = (await booked.ReadJsonAsync())["bookingId"]!.GetValue<string>();
        app.Clock.Advance(start.AddMinutes(5) - app.Clock.GetUtcNow());

        await using var display = await LobbyClient.ConnectAsync(app.Server);
        await display.Connection.InvokeAsync("Subscribe", office.Id, (string?)null);
        await using var phone = await LobbyClient.ConnectAsync(app.Server);
        var checkedIn = await (await visitor.PostAsync($"/api/bookings/{bookingId}/check-in", null)).ReadJsonAsync();
        var ticketId = checkedIn["ticket"]!["ticketId"]!.GetValue<string>();
        await phone.Connection.InvokeAsync<System.Text.Json.JsonElement>("FollowTicket", ticketId);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).StatusCode);
        var called = await display.NextAsync(LobbyMethods.TicketCalled);
        Assert.Equal(checkedIn["ticket"]!["number"]!.GetValue<string>(), called.GetProperty("number").GetString());
        await phone.NextAsync(LobbyMethods.TicketUpdated);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/complete", null)).StatusCode);
        await display.NextAsync(LobbyMethods.QueueUpdated);

        var heard = string.Join("\n", display.Received.Concat(phone.Received).Select(e => $"{e.Method} {e.Payload.GetRawText()}"));
        Assert.Contains(LobbyMethods.TicketCalled, heard);
        foreach (var personal in new[] { "鈴木", "\\u9234\\u6728", "3333", "ichiro" }) Assert.DoesNotContain(personal, heard, StringComparison.OrdinalIgnoreCase);
    }
}

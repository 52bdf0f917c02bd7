using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CounterQueue.Domain.History;
using CounterQueue.Silo.History;
using CounterQueue.Silo.Lobby;
using CounterQueue.Tests.Support;
using CounterQueue.Web.History;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CounterQueue.Tests.Api;

/// <summary>
/// The visit history through the API on a fake clock (an app of its own, since the clock is moved): a scripted day with
/// known waits gives known report figures, in JSON and in CSV; a ticket's journey shows every step, counter and staff
/// member; the processing desk and an uncollected pick-up; retention.
/// </summary>
public sealed class HistoryApiTests : IAsyncLifetime
{
    private readonly AppFixture _app = new();

    public async Task InitializeAsync()
    {
        _app.ExtraSettings["Queue:PickupCheckEvery"] = "00:00:00.2";
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<JsonNode> IssueAsync(string officeId, string serviceId)
    {
        using var visitor = _app.CreateClient();
        var response = await visitor.PostJsonAsync($"/api/offices/{officeId}/tickets", new { serviceId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static async Task<JsonNode> PostAsync(HttpClient client, string url, object? body = null)
    {
        var response = body is null ? await client.PostAsync(url, null) : await client.PostJsonAsync(url, body);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    private void Minutes(double minutes) => _app.Clock.Advance(TimeSpan.FromMinutes(minutes));

    /// <summary>
    /// 10:00 A-001; 10:04 A-002; 10:10 c1 calls A-001 (waited 10), starts it, 10:15 completes it (5 at the counter) and calls
    /// A-002 (waited 11), 10:17 no-show. 10:17 B-001; 10:20 c2 calls it (waited 3), 10:22 transfers it to a (回付);
    /// 10:25 c1 calls it (waited 3 since the transfer), 10:33 completes it (8 at the counter, 16 from ticket to finish).
    /// </summary>
    private async Task<(string OfficeId, string Staff, string TransferredId)> ScriptedDayAsync()
    {
        var office = await _app.CreateOfficeAsync();
        var (staff, username) = await _app.SignedInAsync("staff");
        var counter = (string c, string action) => $"/api/offices/{office.Id}/counters/{c}/{action}";
        await PostAsync(staff, counter("c1", "open"), new { serviceIds = new[] { "a" } });
        await IssueAsync(office.Id, "a");
        Minutes(4);
        await IssueAsync(office.Id, "a");
        Minutes(6);
        await PostAsync(staff, counter("c1", "call-next"));
        await PostAsync(staff, counter("c1", "start"));
        Minutes(5);
        await PostAsync(staff, counter("c1", "complete"));
        await PostAsync(staff, counter("c1", "call-next"));
        Minutes(2);
        await PostAsync(staff, counter("c1", "no-show"));
        await PostAsync(staff, counter("c2", "open"), new { serviceIds = new[] { "b" } });
        var b = await IssueAsync(office.Id, "b");
        Minutes(3);
        await PostAsync(staff, counter("c2", "call-next"));
        Minutes(2);
        await PostAsync(staff, counter("c2", "transfer"), new { toServiceId = "a" });
        Minutes(3);
        await PostAsync(staff, counter("c1", "call-next"));
        Minutes(8);
        await PostAsync(staff, counter("c1", "complete"));
        return (office.Id, username, b["ticketId"]!.GetValue<string>());
    }

    private static JsonNode Row(JsonNode report, string list, string id) =>
        report[list]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == id)!;

    private static double? Stat(JsonNode row, string measure, string which) => row[measure]![which]?.GetValue<double>();

    [Fact]
    public async Task A_scripted_day_gives_the_report_its_known_figures()
    {
        var (officeId, _, _) = await ScriptedDayAsync();
        using var admin = _app.AdminClient();
        var response = await admin.GetAsync($"/api/offices/{officeId}/reports/daily?date={_app.Today:yyyy-MM-dd}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadJsonAsync();

        var a = Row(report, "services", "a");
        Assert.Equal((2, 2, 1, 0), (a["issued"]!.GetValue<int>(), a["served"]!.GetValue<int>(), a["noShows"]!.GetValue<int>(), a["transfers"]!.GetValue<int>()));
        Assert.Equal((3, 10.0, 11.0, 11.0), (a["wait"]!["count"]!.GetValue<int>(), Stat(a, "wait", "medianMinutes"), Stat(a, "wait", "p90Minutes"), Stat(a, "wait", "maxMinutes")));
        Assert.Equal((5.0, 8.0), (Stat(a, "serviceTime", "medianMinutes"), Stat(a, "serviceTime", "maxMinutes")));
        Assert.Equal(15.0, Stat(a, "visitTime", "maxMinutes")); // A-001, issued for a; B-001's visit belongs to b
        Assert.Equal(10, a["busiestHour"]!.GetValue<int>());

        var b = Row(report, "services", "b");
        Assert.Equal((1, 0, 1), (b["issued"]!.GetValue<int>(), b["served"]!.GetValue<int>(), b["transfers"]!.GetValue<int>()));
        Assert.Equal((3.0, 16.0), (Stat(b, "wait", "medianMinutes"), Stat(b, "visitTime", "medianMinutes")));

        var c1 = Row(report, "counters", "c1");
        Assert.Equal((2, 1, 3), (c1["served"]!.GetValue<int>(), c1["noShows"]!.GetValue<int>(), c1["wait"]!["count"]!.GetValue<int>()));
        var c2 = Row(report, "counters", "c2");
        Assert.Equal((0, 1, 3.0), (c2["served"]!.GetValue<int>(), c2["transfers"]!.GetValue<int>(), Stat(c2, "wait", "medianMinutes")));
        Assert.Equal((3, 2), (report["office"]!["issued"]!.GetValue<int>(), report["office"]!["served"]!.GetValue<int>()));
        Assert.Contains(report["byHour"]!.AsArray(), h => h!["hour"]!.GetValue<int>() == 10 && h["issued"]!.GetValue<int>() == 3);
    }

    [Fact]
    public async Task Bookings_kept_and_missed_are_counted_on_their_slots_day_and_counter_changes_are_recorded_with_who()
    {
        var policy = new CounterQueue.Domain.Bookings.SlotPolicy { SlotMinutes = 30, Capacity = 4, HorizonDays = 30, CutoffMinutes = 60 };
        var office = TestOffices.Create();
        office = await _app.CreateOfficeAsync(office with { Services = office.Services.Select(s => s.Id == "a" ? s with { Bookable = true, Booking = policy } : s).ToList() });
        var (staff, username) = await _app.SignedInAsync("staff");
        using var visitor = _app.CreateClient();
        var now = _app.Clock.GetUtcNow();
        var start = now.AddHours(2).AddTicks(-(now.AddHours(2).Ticks % TimeSpan.FromMinutes(30).Ticks)).AddMinutes(30);
        async Task<string> BookAsync() => (await PostAsync(visitor, "/api/bookings", new { officeId = office.Id, serviceId = "a", start }))["bookingId"]!.GetValue<string>();
        var (onTime, late, cancelled, absent) = (await BookAsync(), await BookAsync(), await BookAsync(), await BookAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await visitor.DeleteAsync($"/api/bookings/{cancelled}")).StatusCode);
        _app.Clock.Advance(start.AddMinutes(-5) - _app.Clock.GetUtcNow());
        await PostAsync(visitor, $"/api/bookings/{onTime}/check-in");
        _app.Clock.Advance(TimeSpan.FromMinutes(25)); // 20 minutes late: an ordinary walk-in, the booking's place is gone
        Assert.Equal("walkIn", (await PostAsync(visitor, $"/api/bookings/{late}/check-in"))["outcome"]!.GetValue<string>());
        await PostAsync(staff, $"/api/offices/{office.Id}/counters/c1/open", new { serviceIds = new[] { "a" } });
        await PostAsync(staff, $"/api/offices/{office.Id}/counters/c1/pause");
        await PostAsync(staff, $"/api/offices/{office.Id}/counters/c1/close");

        var day = CounterQueue.Domain.Calendar.Tokyo.DateOf(start);
        using var admin = _app.AdminClient();
        var report = await (await admin.GetAsync($"/api/offices/{office.Id}/reports/daily?date={day:yyyy-MM-dd}")).ReadJsonAsync();
        var a = Row(report, "services", "a");
        Assert.Equal((1, 2, 2), (a["bookingsKept"]!.GetValue<int>(), a["bookingsMissed"]!.GetValue<int>(), a["issued"]!.GetValue<int>()));

        var history = _app.Services.GetRequiredService<IVisitHistory>();
        var events = await history.ReadAsync(office.Id, day, day);
        Assert.Equal([VisitEventKinds.CounterOpened, VisitEventKinds.CounterPaused, VisitEventKinds.CounterClosed],
            events.Where(e => e.CounterId == "c1" && e.VisitId is null).Select(e => e.Kind));
        Assert.All(events.Where(e => e.Kind.StartsWith("counter", StringComparison.Ordinal)), e => Assert.Equal(username, e.Staff));
        Assert.Equal(["booked", "booked", "booked", "booked", "bookingCancelled", "checkedIn", "checkedIn"],
            events.Where(e => e.Kind is "booked" or "bookingCancelled" or "checkedIn").Select(e => e.Kind));
        Assert.Equal(absent, events.First(e => e.Kind == "booked" && e.VisitId == absent).VisitId);
    }

    [Fact]
    public async Task The_csv_report_has_a_bom_a_japanese_header_and_the_same_figures()
    {
        var (officeId, _, _) = await ScriptedDayAsync();
        using var admin = _app.AdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/offices/{officeId}/reports/daily?date={_app.Today:yyyy-MM-dd}");
        request.Headers.Accept.ParseAdd("text/csv");
        var response = await admin.SendAsync(request);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(["期間開始", "期間終了", "区分", "ID", "名称", "発券数", "対応数", "不在"], header[..8]);
        var serviceA = Cells(lines.Single(l => l.Contains("\"業務\",\"a\"", StringComparison.Ordinal)));
        Assert.Equal("手続きA", serviceA[Array.IndexOf(header, "名称")]); // Japanese intact
        Assert.Equal(("2", "2", "1"), (serviceA[Array.IndexOf(header, "発券数")], serviceA[Array.IndexOf(header, "対応数")], serviceA[Array.IndexOf(header, "不在")]));
        Assert.Equal("10.0", serviceA[Array.IndexOf(header, "待ち時間中央値(分)")]);
        Assert.Equal("10:00-11:00", serviceA[Array.IndexOf(header, "最も混んだ時間帯")]);
        Assert.Contains(lines, l => l.Contains("\"窓口\",\"c1\",\"c1番窓口\"", StringComparison.Ordinal));
        // ?format=csv gives the same file (a link can download it).
        var byQuery = await admin.GetByteArrayAsync($"/api/offices/{officeId}/reports/daily?date={_app.Today:yyyy-MM-dd}&format=csv");
        Assert.Equal(bytes, byQuery);
    }

    /// <summary>Splits a CSV line of quoted and bare cells (no commas inside the cells here).</summary>
    private static string[] Cells(string line) => line.Split(',').Select(c => c.Trim('"')).ToArray();

    [Fact]
    public async Task Staff_see_a_tickets_journey_with_every_step_its_counter_staff_member_and_times()
    {
        var (officeId, username, ticketId) = await ScriptedDayAsync();
        var (staff, _) = await _app.SignedInAsync("staff");
        var journey = await (await staff.GetAsync($"/api/tickets/{ticketId}/journey")).ReadJsonAsync();
        var steps = journey["steps"]!.AsArray();
        Assert.Equal(["issued", "called", "transferred", "called", "completed"], steps.Select(s => s!["kind"]!.GetValue<string>()));
        Assert.Equal([null, "c2", "c2", "c1", "c1"], steps.Select(s => s!["counterId"]?.GetValue<string>()));
        Assert.Equal([null, username, username, username, username], steps.Select(s => s!["staff"]?.GetValue<string>()));
        Assert.Equal("a", steps[2]!["toServiceId"]!.GetValue<string>());
        Assert.Equal([0, 3, 2, 3, 8], steps.Select(s => (int)Math.Round(s!["minutesSincePrevious"]!.GetValue<double>())));
        Assert.Equal((16.0, 6.0, "completed"), (journey["endToEndMinutes"]!.GetValue<double>(), journey["waitedMinutes"]!.GetValue<double>(), journey["outcome"]!.GetValue<string>()));

        // By the number on the paper ticket, as staff at the counter would ask.
        var byNumber = await (await staff.GetAsync($"/api/offices/{officeId}/journeys?number=b-001&date={_app.Today:yyyy-MM-dd}")).ReadJsonAsync();
        Assert.Equal(ticketId, byNumber["visitId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/offices/{officeId}/journeys?number=Z-999")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync($"/api/offices/{officeId}/journeys?number=A-001&date=yesterday")).StatusCode);
        // Visitors do not read the history; nor do staff read reports.
        using var visitor = _app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.GetAsync($"/api/tickets/{ticketId}/journey")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/api/offices/{officeId}/reports/daily")).StatusCode);
    }

    [Fact]
    public async Task A_ready_ticket_nobody_collects_is_shown_again_then_marked_uncollected_and_listed_for_staff()
    {
        var office = await _app.CreateOfficeAsync();
        using var staff = _app.AdminClient();
        await using var lobby = await LobbyClient.ConnectAsync(_app.Server);
        await lobby.Connection.InvokeAsync("Subscribe", office.Id, null);
        var desk = async () => await (await staff.GetAsync($"/api/offices/{office.Id}/processing")).ReadJsonAsync();
        await PostAsync(staff, $"/api/offices/{office.Id}/counters/mr/open");
        await PostAsync(staff, $"/api/offices/{office.Id}/counters/mp/open");
        var ticket = await IssueAsync(office.Id, "m");
        var id = ticket["ticketId"]!.GetValue<string>();
        await PostAsync(staff, $"/api/offices/{office.Id}/counters/mr/call-next");
        await PostAsync(staff, $"/api/offices/{office.Id}/counters/mr/complete");
        Minutes(20);
        var processing = (await desk())["processing"]!.AsArray().Single()!;
        Assert.Equal((id, 20), (processing["ticketId"]!.GetValue<string>(), processing["minutesSince"]!.GetValue<int>()));

        await PostAsync(staff, $"/api/tickets/{id}/ready");
        Assert.False((await lobby.NextAsync(LobbyMethods.PickupReady)).GetProperty("recall").GetBoolean());
        Assert.Equal(id, (await desk())["ready"]!.AsArray().Single()!["ticketId"]!.GetValue<string>());

        Minutes(16); // past Queue:PickupRecallAfter (15): shown on the display again
        var recalled = await lobby.NextAsync(LobbyMethods.PickupReady);
        Assert.Equal((ticket["number"]!.GetValue<string>(), true, false),
            (recalled.GetProperty("number").GetString(), recalled.GetProperty("recall").GetBoolean(), recalled.GetProperty("uncollected").GetBoolean()));
        Assert.True((await desk())["ready"]!.AsArray().Single()!["recalled"]!.GetValue<bool>());

        Minutes(45); // past Queue:PickupUncollectedAfter (60): off the board, on the staff's desk
        var uncollected = await lobby.NextAsync(LobbyMethods.PickupReady);
        Assert.True(uncollected.GetProperty("uncollected").GetBoolean());
        Assert.Equal(id, (await desk())["uncollected"]!.AsArray().Single()!["ticketId"]!.GetValue<string>());
        Assert.Empty(await (await staff.GetAsync($"/api/offices/{office.Id}/pickup")).ReadJsonAsync() as JsonArray ?? []);
        using var visitor = _app.CreateClient();
        Assert.True((await (await visitor.GetAsync($"/api/tickets/{id}")).ReadJsonAsync())["uncollected"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/offices/{office.Id}/counters/mp/call-next", null)).StatusCode);

        // The visitor turns up: staff put the number back on the board, and the pick-up counter calls it.
        await PostAsync(staff, $"/api/tickets/{id}/ready");
        Assert.Empty((await desk())["uncollected"]!.AsArray());
        var call = await PostAsync(staff, $"/api/offices/{office.Id}/counters/mp/call-next");
        Assert.Equal(id, call["ticket"]!["ticketId"]!.GetValue<string>());
        await PostAsync(staff, $"/api/offices/{office.Id}/counters/mp/complete");
        var kinds = (await (await staff.GetAsync($"/api/tickets/{id}/journey")).ReadJsonAsync())["steps"]!.AsArray().Select(s => s!["kind"]!.GetValue<string>());
        Assert.Equal(["issued", "called", "sentToProcessing", "ready", "pickupRecalled", "uncollected", "ready", "called", "pickedUp"], kinds);
    }

    [Fact]
    public async Task History_older_than_the_retention_days_is_deleted_and_newer_kept()
    {
        var history = _app.Services.GetRequiredService<IVisitHistory>();
        var today = _app.Today;
        var officeId = TestOffices.NewId("ret");
        await history.AppendAsync(
        [
            new VisitEvent(VisitEventKinds.Issued, _app.Clock.GetUtcNow().AddDays(-401), officeId, today.AddDays(-401), "a", "old", "A-001"),
            new VisitEvent(VisitEventKinds.Issued, _app.Clock.GetUtcNow().AddDays(-399), officeId, today.AddDays(-399), "a", "kept", "A-001"),
        ]);
        await _app.Services.GetRequiredService<HistoryRetention>().RunAsync(); // Queue:HistoryRetentionDays = 400
        var left = await history.ReadAsync(officeId, today.AddDays(-500), today);
        Assert.Equal(["kept"], left.Select(e => e.VisitId));

        _app.Clock.Advance(TimeSpan.FromDays(2)); // two nights later, that day is past the window too
        await _app.Services.GetRequiredService<HistoryRetention>().RunAsync();
        Assert.Empty(await history.ReadAsync(officeId, today.AddDays(-500), today));
    }
}

using System.Net;
using System.Net.Http.Json;
using CounterQueue.Domain.Bookings;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

/// <summary>Window booking (予約) over the API: slots, book, read, cancel, the last place, bad input.</summary>
[Collection(AppCollection.Name)]
public sealed class BookingApiTests(AppFixture app)
{
    private static readonly SlotPolicy Policy = new() { SlotMinutes = 30, Capacity = 3, HorizonDays = 30, CutoffMinutes = 60 };

    /// <summary>An office open on weekdays 08:30-17:00 (and the 2nd and 4th Saturdays) whose service "a" is bookable.</summary>
    private async Task<OfficeDefinition> BookableOfficeAsync()
    {
        var office = TestOffices.Create(hours: TestSchedules.Ward);
        office = office with { Services = office.Services.Select(s => s.Id == "a" ? s with { Bookable = true, Booking = Policy } : s).ToList() };
        return await app.CreateOfficeAsync(office);
    }

    /// <summary>The next weekday (not a Saturday) at least two days ahead that is not a holiday: 08:30-17:00, all open for booking.</summary>
    private DateOnly BookableDay()
    {
        var day = app.Today.AddDays(2);
        while (TestSchedules.Ward.HoursOn(day) is null || day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
        return day;
    }

    private static Task<HttpResponseMessage> BookAsync(HttpClient client, string officeId, DateTimeOffset start, object? contact = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { officeId, serviceId = "a", start, contact, language = "en" }, options: ApiJson.Options),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static async Task<string> CodeAsync(HttpResponseMessage response) => (await response.ReadJsonAsync())["code"]!.GetValue<string>();

    [Fact]
    public async Task A_visitor_books_a_slot_reads_it_and_cancels_it_and_the_place_is_free_again()
    {
        var office = await BookableOfficeAsync();
        var day = BookableDay();
        using var client = app.CreateClient();
        var slotsUrl = $"/api/offices/{office.Id}/services/a/slots?date={day:yyyy-MM-dd}";
        var slots = (await (await client.GetAsync(slotsUrl)).ReadJsonAsync()).AsArray();
        Assert.Equal(17, slots.Count); // 08:30-17:00 in 30 minutes
        Assert.All(slots, s => Assert.Equal(3, s!["remaining"]!.GetValue<int>()));
        var start = Tokyo.At(day, new TimeSpan(10, 0, 0));

        var booked = await BookAsync(client, office.Id, start, new { name = "山田 花子", phone = "044-201-3111" });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var booking = await booked.ReadJsonAsync();
        var id = booking["bookingId"]!.GetValue<string>();
        Assert.Equal($"/api/bookings/{id}", booked.Headers.Location!.OriginalString);
        Assert.Matches("^[ACEFHJKMNPRTWXY3479]{4}-[ACEFHJKMNPRTWXY3479]{4}$", booking["code"]!.GetValue<string>());
        Assert.Equal(("booked", start, start.AddMinutes(30)),
            (booking["status"]!.GetValue<string>(), booking["start"]!.GetValue<DateTimeOffset>(), booking["end"]!.GetValue<DateTimeOffset>()));
        Assert.DoesNotContain("山田", booking.ToJsonString()); // contact details are not shown back
        Assert.Equal(2, (await (await client.GetAsync(slotsUrl)).ReadJsonAsync()).AsArray().Single(s => s!["start"]!.GetValue<DateTimeOffset>() == start)!["remaining"]!.GetValue<int>());

        Assert.Equal(id, (await (await client.GetAsync($"/api/bookings/{id}")).ReadJsonAsync())["bookingId"]!.GetValue<string>());
        var calendar = await client.GetAsync($"/api/bookings/{id}/calendar");
        Assert.Equal("text/calendar", calendar.Content.Headers.ContentType!.MediaType);
        var ics = await calendar.Content.ReadAsStringAsync();
        Assert.Contains($"DTSTART:{start.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}\r\n", ics);
        Assert.Contains("SUMMARY:Service A (booking)", ics); // booked in English
        Assert.Contains(booking["code"]!.GetValue<string>(), ics.Replace("\r\n ", ""));
        Assert.DoesNotContain("山田", ics);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/bookings/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/bookings/{id}")).StatusCode); // again: no error
        Assert.Equal("cancelled", (await (await client.GetAsync($"/api/bookings/{id}")).ReadJsonAsync())["status"]!.GetValue<string>());
        Assert.Equal(3, (await (await client.GetAsync(slotsUrl)).ReadJsonAsync()).AsArray().Single(s => s!["start"]!.GetValue<DateTimeOffset>() == start)!["remaining"]!.GetValue<int>());
    }

    [Fact]
    public async Task Of_many_visitors_booking_the_last_places_at_once_exactly_the_capacity_succeed()
    {
        var office = await BookableOfficeAsync();
        var start = Tokyo.At(BookableDay(), new TimeSpan(14, 0, 0));
        using var client = app.CreateClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => BookAsync(client, office.Id, start)));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(17, refused.Count);
        foreach (var response in refused)
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("slot-full", await CodeAsync(response));
        }
    }

    [Fact]
    public async Task A_retried_booking_with_the_same_key_books_one_place()
    {
        var office = await BookableOfficeAsync();
        var start = Tokyo.At(BookableDay(), new TimeSpan(11, 0, 0));
        using var client = app.CreateClient();
        var first = await (await BookAsync(client, office.Id, start, key: "kiosk-7-0001")).ReadJsonAsync();
        var again = await BookAsync(client, office.Id, start, key: "kiosk-7-0001");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(first["bookingId"]!.GetValue<string>(), (await again.ReadJsonAsync())["bookingId"]!.GetValue<string>());
        var slots = (await (await client.GetAsync($"/api/offices/{office.Id}/services/a/slots?date={Tokyo.DateOf(start):yyyy-MM-dd}")).ReadJsonAsync()).AsArray();
        Assert.Equal(2, slots.Single(s => s!["start"]!.GetValue<DateTimeOffset>() == start)!["remaining"]!.GetValue<int>());
    }

    [Fact]
    public async Task Bad_bookings_get_a_clear_problem_and_book_nothing()
    {
        var office = await BookableOfficeAsync();
        var day = BookableDay();
        using var client = app.CreateClient();
        async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status, string code)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(code, await CodeAsync(response));
        }

        await ExpectAsync(await client.PostJsonAsync("/api/bookings", new { officeId = office.Id, serviceId = "a" }), HttpStatusCode.BadRequest, "validation");
        await ExpectAsync(await BookAsync(client, office.Id, Tokyo.At(day, new TimeSpan(10, 10, 0))), HttpStatusCode.Conflict, "not-a-slot");
        await ExpectAsync(await BookAsync(client, office.Id, Tokyo.At(day, new TimeSpan(7, 0, 0))), HttpStatusCode.Conflict, "not-a-slot"); // before opening
        await ExpectAsync(await BookAsync(client, office.Id, Tokyo.At(app.Today.AddDays(-1), new TimeSpan(10, 0, 0))), HttpStatusCode.BadRequest, "validation");
        await ExpectAsync(await BookAsync(client, office.Id, Tokyo.At(app.Today.AddDays(400), new TimeSpan(10, 0, 0))), HttpStatusCode.BadRequest, "validation");
        await ExpectAsync(await BookAsync(client, office.Id, Tokyo.At(app.Today.AddDays(60), new TimeSpan(10, 0, 0))), HttpStatusCode.Conflict,
            TestSchedules.Ward.HoursOn(app.Today.AddDays(60)) is null ? "not-a-slot" : "slot-beyond-horizon");
        await ExpectAsync(await BookAsync(client, "no-such-office", Tokyo.At(day, new TimeSpan(10, 0, 0))), HttpStatusCode.NotFound, "office-not-found");
        await ExpectAsync(await client.PostJsonAsync("/api/bookings", new { officeId = office.Id, serviceId = "b", start = Tokyo.At(day, new TimeSpan(10, 0, 0)) }),
            HttpStatusCode.Conflict, "service-not-bookable");
        await ExpectAsync(await BookAsync(client, office.Id, Tokyo.At(day, new TimeSpan(10, 0, 0)), new { email = "not an address" }), HttpStatusCode.BadRequest, "validation");
        await ExpectAsync(await BookAsync(client, office.Id, Tokyo.At(day, new TimeSpan(10, 0, 0)), new { phone = "<script>" }), HttpStatusCode.BadRequest, "validation");
        await ExpectAsync(await BookAsync(client, office.Id, Tokyo.At(day, new TimeSpan(10, 0, 0)), new { name = new string('x', 500) }), HttpStatusCode.BadRequest, "validation");
        await ExpectAsync(await client.GetAsync($"/api/offices/{office.Id}/services/a/slots?date=tomorrow"), HttpStatusCode.BadRequest, "validation");
        await ExpectAsync(await client.GetAsync($"/api/offices/{office.Id}/services/b/slots"), HttpStatusCode.Conflict, "service-not-bookable");
        foreach (var id in new[] { "nothing", "b.x.y.20261201.AAAAAAAAAAAAAAAAAAAAAA", $"b.{office.Id}.a.20261201.AAAAAAAAAAAAAAAAAAAAAA", new string('b', 300) })
        {
            await ExpectAsync(await client.GetAsync($"/api/bookings/{id}"), HttpStatusCode.NotFound, "booking-not-found");
            await ExpectAsync(await client.DeleteAsync($"/api/bookings/{id}"), HttpStatusCode.NotFound, "booking-not-found");
        }

        var slots = (await (await client.GetAsync($"/api/offices/{office.Id}/services/a/slots?date={day:yyyy-MM-dd}")).ReadJsonAsync()).AsArray();
        Assert.All(slots, s => Assert.Equal(3, s!["remaining"]!.GetValue<int>())); // nothing was booked
    }

    [Fact]
    public async Task An_office_whose_booking_settings_are_out_of_range_is_refused()
    {
        var office = TestOffices.Create();
        office = office with { Services = office.Services.Select(s => s.Id == "a" ? s with { Bookable = true, Booking = new SlotPolicy { SlotMinutes = 7 } } : s).ToList() };
        using var admin = app.AdminClient();
        var response = await admin.PutAsJsonAsync($"/api/admin/offices/{office.Id}", office, ApiJson.Options);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("slotMinutes", (await response.ReadJsonAsync()).ToJsonString());
    }

    [Fact]
    public async Task A_checked_in_booking_is_served_from_its_slot_start_ahead_of_later_walk_ins_and_no_earlier()
    {
        var office = TestOffices.Create(); // always open: walk-ins at any time
        office = await app.CreateOfficeAsync(office with { Services = office.Services.Select(s => s.Id == "a" ? s with { Bookable = true, Booking = Policy } : s).ToList() });
        using var client = app.CreateClient();
        using var staff = app.AdminClient();
        // A slot at least two hours ahead, on a half hour.
        var now = app.Clock.GetUtcNow();
        var start = now.AddHours(2).AddTicks(-(now.AddHours(2).Ticks % TimeSpan.FromMinutes(30).Ticks)).AddMinutes(30);
        async Task<string> BookIdAsync() => (await (await BookAsync(client, office.Id, start)).ReadJsonAsync())["bookingId"]!.GetValue<string>();
        var (early, late, tooLate) = (await BookIdAsync(), await BookIdAsync(), await BookIdAsync());
        void At(TimeSpan fromStart) => app.Clock.Advance(start + fromStart - app.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);

        At(TimeSpan.FromMinutes(-10));
        var checkedIn = await client.PostAsync($"/api/bookings/{early}/check-in", null);
        Assert.Equal(HttpStatusCode.Created, checkedIn.StatusCode);
        var result = await checkedIn.ReadJsonAsync();
        Assert.Equal("early", result["outcome"]!.GetValue<string>());
        var bookedTicket = result["ticket"]!["ticketId"]!.GetValue<string>();
        Assert.Equal("checkedIn", result["booking"]!["status"]!.GetValue<string>());
        var again = await (await client.PostAsync($"/api/bookings/{early}/check-in", null)).ReadJsonAsync(); // a retry: the same ticket
        Assert.Equal(bookedTicket, again["ticket"]!["ticketId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).StatusCode); // not before its slot

        At(TimeSpan.FromMinutes(5));
        var walkIn = await (await client.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "a" })).ReadJsonAsync();
        var called = await (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).ReadJsonAsync();
        Assert.Equal(bookedTicket, called["ticket"]!["ticketId"]!.GetValue<string>()); // from 10:00, ahead of the walk-in who came at 10:05
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/complete", null)).StatusCode);

        At(TimeSpan.FromMinutes(20)); // more than 15 minutes late: an ordinary ticket from now
        var lateResult = await (await client.PostAsync($"/api/bookings/{late}/check-in", null)).ReadJsonAsync();
        Assert.Equal("walkIn", lateResult["outcome"]!.GetValue<string>());
        called = await (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).ReadJsonAsync();
        Assert.Equal(walkIn["ticketId"]!.GetValue<string>(), called["ticket"]!["ticketId"]!.GetValue<string>()); // the walk-in came first

        At(TimeSpan.FromMinutes(46)); // after the slot's end and the grace: a no-show
        var noShow = await client.PostAsync($"/api/bookings/{tooLate}/check-in", null);
        Assert.Equal(HttpStatusCode.Conflict, noShow.StatusCode);
        Assert.Equal("booking-no-show", await CodeAsync(noShow));
        Assert.Equal("noShow", (await (await client.GetAsync($"/api/bookings/{tooLate}")).ReadJsonAsync())["status"]!.GetValue<string>());
        var cancel = await client.DeleteAsync($"/api/bookings/{tooLate}");
        Assert.Equal((HttpStatusCode.Conflict, "booking-not-cancellable"), (cancel.StatusCode, await CodeAsync(cancel)));
    }

    [Fact]
    public async Task A_booking_checked_in_ten_minutes_late_keeps_its_place_among_walk_ins_behind_assisted_tickets_and_those_already_called()
    {
        var office = TestOffices.Create();
        office = await app.CreateOfficeAsync(office with { Services = office.Services.Select(s => s.Id == "a" ? s with { Bookable = true, Booking = Policy } : s).ToList() });
        using var client = app.CreateClient();
        using var staff = app.AdminClient();
        var now = app.Clock.GetUtcNow();
        var start = now.AddHours(2).AddTicks(-(now.AddHours(2).Ticks % TimeSpan.FromMinutes(30).Ticks)).AddMinutes(30);
        var booked = await (await BookAsync(client, office.Id, start)).ReadJsonAsync();
        void At(TimeSpan fromStart) => app.Clock.Advance(start + fromStart - app.Clock.GetUtcNow());
        async Task<string> IssueAsync(string priority = "normal") =>
            (await (await client.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "a", priority })).ReadJsonAsync())["ticketId"]!.GetValue<string>();
        async Task<string> CallAsync(string counter) =>
            (await (await staff.PostAsync($"/api/offices/{office.Id}/counters/{counter}/call-next", null)).ReadJsonAsync())["ticket"]!["ticketId"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c2/open", null)).StatusCode);

        At(TimeSpan.FromMinutes(-20));
        var called = await IssueAsync();
        Assert.Equal(called, await CallAsync("c2")); // already at a counter before the booking checks in
        At(TimeSpan.FromMinutes(-10));
        var before = await IssueAsync();
        At(TimeSpan.FromMinutes(10));
        var checkIn = await (await client.PostAsync($"/api/bookings/{booked["bookingId"]}/check-in", null)).ReadJsonAsync();
        Assert.Equal("onTime", checkIn["outcome"]!.GetValue<string>());
        var bookedTicket = checkIn["ticket"]!["ticketId"]!.GetValue<string>();
        var after = await IssueAsync();
        var assisted = await IssueAsync("assisted");

        // Assisted first (as for any visitor), then by when each counts from: the walk-in of -10 min, the booking of 0, the walk-in of +10.
        Assert.Equal([assisted, before, bookedTicket, after], [await CallAsync("c1"), await NextAsync(), await NextAsync(), await NextAsync()]);
        // The ticket called before the check-in was never displaced.
        Assert.Equal("called", (await (await client.GetAsync($"/api/tickets/{called}")).ReadJsonAsync())["status"]!.GetValue<string>());

        async Task<string> NextAsync()
        {
            Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/complete", null)).StatusCode);
            return await CallAsync("c1");
        }
    }

    [Fact]
    public async Task The_kiosk_checks_a_booking_in_by_its_code_however_it_is_typed()
    {
        var office = TestOffices.Create();
        office = await app.CreateOfficeAsync(office with { Services = office.Services.Select(s => s.Id == "a" ? s with { Bookable = true, Booking = Policy } : s).ToList() });
        using var client = app.CreateClient();
        var now = app.Clock.GetUtcNow();
        var start = now.AddHours(2).AddTicks(-(now.AddHours(2).Ticks % TimeSpan.FromMinutes(30).Ticks)).AddMinutes(30);
        var booking = await (await BookAsync(client, office.Id, start)).ReadJsonAsync();
        var code = booking["code"]!.GetValue<string>();
        app.Clock.Advance(start.AddMinutes(3) - app.Clock.GetUtcNow());

        var typed = code.ToLowerInvariant().Replace("-", " ");
        var checkedIn = await client.PostJsonAsync($"/api/offices/{office.Id}/bookings/check-in", new { code = typed });
        Assert.Equal(HttpStatusCode.Created, checkedIn.StatusCode);
        var result = await checkedIn.ReadJsonAsync();
        Assert.Equal(("onTime", booking["bookingId"]!.GetValue<string>()), (result["outcome"]!.GetValue<string>(), result["booking"]!["bookingId"]!.GetValue<string>()));
        Assert.StartsWith("A-", result["ticket"]!["number"]!.GetValue<string>());

        var unknown = await client.PostJsonAsync($"/api/offices/{office.Id}/bookings/check-in", new { code = code == "AAAA-AAAA" ? "CCCC-CCCC" : "AAAA-AAAA" });
        Assert.Equal((HttpStatusCode.NotFound, "booking-not-found"), (unknown.StatusCode, await CodeAsync(unknown)));
        var elsewhere = await client.PostJsonAsync($"/api/offices/{(await app.CreateOfficeAsync()).Id}/bookings/check-in", new { code });
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode); // a code belongs to its office
        var malformed = await client.PostJsonAsync($"/api/offices/{office.Id}/bookings/check-in", new { code = "0000-0000" });
        Assert.Equal((HttpStatusCode.BadRequest, "validation"), (malformed.StatusCode, await CodeAsync(malformed)));
    }
}

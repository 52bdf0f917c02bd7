using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CounterQueue.Domain;
using CounterQueue.Domain.Bookings;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using CounterQueue.Tests.Support;
using CounterQueue.Web.Bookings;
using Microsoft.Extensions.DependencyInjection;

namespace CounterQueue.Tests.Api;

/// <summary>
/// Branch consultations (相談室): a booking holds one of the branch's rooms and one of the ward section's travelling
/// staff, so it is offered and taken only while both are free; the section sees its branch appointments.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ConsultationBookingTests(AppFixture app)
{
    private sealed record Offices(OfficeDefinition Ward, OfficeDefinition Branch1, OfficeDefinition Branch2);

    /// <summary>A ward office with sections s1 (one travelling staff member) and s2 (two); branch 1 has two rooms, branch 2 one.</summary>
    private async Task<Offices> CreateAsync()
    {
        var ward = TestOffices.Create(hours: TestSchedules.Ward) with
        {
            Sections = [
                new SectionDefinition("sec", new LocalizedText("区民課", "Residents"), "2F"),
                new SectionDefinition("s1", new LocalizedText("高齢・障害課", "Elderly and disability"), "3F", OutreachStaff: 1),
                new SectionDefinition("s2", new LocalizedText("保護課", "Public assistance"), "4F", OutreachStaff: 2),
            ],
        };
        await app.CreateOfficeAsync(ward);
        var policy = new SlotPolicy
        {
            SlotMinutes = 60, Capacity = 3, HorizonDays = 30, CutoffMinutes = 60,
            Consultation = new ConsultationPolicy { WardOfficeId = ward.Id, SectionIds = ["s1", "s2"] },
        };
        OfficeDefinition Branch(int rooms)
        {
            var office = TestOffices.Create(hours: TestSchedules.Ward);
            return office with
            {
                Kind = OfficeKind.Branch,
                Rooms = Enumerable.Range(1, rooms).Select(i => new RoomDefinition
                {
                    Id = $"room{i}", Name = new LocalizedText($"相談室{i}", $"Room {i}"), Seats = 6,
                    PrivacyNote = new LocalizedText("個室です", "A private room"),
                }).ToList(),
                Services = office.Services.Select(s => s.Id == "a" ? s with { Bookable = true, Booking = policy } : s).ToList(),
            };
        }
        return new Offices(ward, await app.CreateOfficeAsync(Branch(2)), await app.CreateOfficeAsync(Branch(1)));
    }

    private DateOnly BookableDay()
    {
        var day = app.Today.AddDays(2);
        while (TestSchedules.Ward.HoursOn(day) is null || day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
        return day;
    }

    private static Task<HttpResponseMessage> BookAsync(HttpClient client, OfficeDefinition branch, DateTimeOffset start, string? sectionId) =>
        client.PostAsJsonAsync("/api/bookings", new { officeId = branch.Id, serviceId = "a", start, sectionId, language = "ja" }, ApiJson.Options);

    private static async Task<int> RemainingAsync(HttpClient client, OfficeDefinition branch, DateTimeOffset start, string? sectionId)
    {
        var url = $"/api/offices/{branch.Id}/services/a/slots?date={Tokyo.DateOf(start):yyyy-MM-dd}" + (sectionId is null ? "" : $"&sectionId={sectionId}");
        var slots = (await (await client.GetAsync(url)).ReadJsonAsync()).AsArray();
        return slots.Single(s => s!["start"]!.GetValue<DateTimeOffset>() == start)!["remaining"]!.GetValue<int>();
    }

    private static async Task ExpectConflictAsync(HttpResponseMessage response, string code)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(code, (await response.ReadJsonAsync())["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_consultation_is_offered_and_booked_only_while_a_room_and_the_sections_staff_are_both_free()
    {
        var (ward, branch1, branch2) = await CreateAsync();
        using var client = app.CreateClient();
        var start = Tokyo.At(BookableDay(), new TimeSpan(10, 30, 0));
        Assert.Equal(1, await RemainingAsync(client, branch1, start, "s1"));
        Assert.Equal(2, await RemainingAsync(client, branch1, start, "s2"));

        var first = await BookAsync(client, branch1, start, "s1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstBooking = await first.ReadJsonAsync();
        Assert.Equal(("room1", "s1"), (firstBooking["roomId"]!.GetValue<string>(), firstBooking["sectionId"]!.GetValue<string>()));
        // s1's only travelling staff member is now at branch 1: no s1 consultation anywhere at that time.
        Assert.Equal(0, await RemainingAsync(client, branch1, start, "s1"));
        Assert.Equal(0, await RemainingAsync(client, branch2, start, "s1"));
        await ExpectConflictAsync(await BookAsync(client, branch2, start, "s1"), "section-unavailable");
        // The refused booking gave its room back at once: branch 2's only room is still free for s2.
        Assert.Equal(1, await RemainingAsync(client, branch2, start, "s2"));
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(client, branch2, start, "s2")).StatusCode);
        // Branch 1 has one room left, and s2 one staff member left.
        Assert.Equal(1, await RemainingAsync(client, branch1, start, "s2"));
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(client, branch1, start, "s2")).StatusCode);
        await ExpectConflictAsync(await BookAsync(client, branch1, start, "s2"), "room-unavailable");
        // An hour later everything is free again.
        Assert.Equal(1, await RemainingAsync(client, branch1, start.AddHours(1), "s1"));

        // Cancelling frees the room and the staff member at once.
        var firstId = firstBooking["bookingId"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/bookings/{firstId}")).StatusCode);
        Assert.Equal(1, await RemainingAsync(client, branch1, start, "s1"));
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(client, branch1, start, "s1")).StatusCode);

        // The section's staff see where they are expected, with the room, and no personal data.
        using var staff = app.AdminClient();
        var appointments = (await (await staff.GetAsync($"/api/offices/{ward.Id}/sections/s2/appointments?date={Tokyo.DateOf(start):yyyy-MM-dd}")).ReadJsonAsync()).AsArray();
        Assert.Equal(new[] { branch1.Id, branch2.Id }.Order(), appointments.Select(a => a!["branchOfficeId"]!.GetValue<string>()).Order());
        Assert.All(appointments, a => Assert.Equal(start, a!["start"]!.GetValue<DateTimeOffset>()));
        Assert.Contains(appointments, a => a!["roomName"]!["ja"]!.GetValue<string>() == "相談室2");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/offices/{ward.Id}/sections/s2/appointments")).StatusCode);

        // The booking page learns the topics and rooms.
        var info = await (await client.GetAsync($"/api/offices/{branch1.Id}/services/a/booking")).ReadJsonAsync();
        Assert.Equal(["s1", "s2"], info["consultation"]!["topics"]!.AsArray().Select(t => t!["sectionId"]!.GetValue<string>()));
        Assert.Equal("個室です", info["consultation"]!["rooms"]![0]!["privacyNote"]!["ja"]!.GetValue<string>());
    }

    [Fact]
    public async Task Of_many_visitors_booking_the_last_rooms_at_once_exactly_as_many_as_rooms_succeed()
    {
        var (_, branch1, _) = await CreateAsync();
        var start = Tokyo.At(BookableDay(), new TimeSpan(13, 30, 0));
        using var client = app.CreateClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => BookAsync(client, branch1, start, "s2")));
        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var rooms = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(async r => (await r.ReadJsonAsync())["roomId"]!.GetValue<string>()));
        Assert.Equal(["room1", "room2"], rooms.Order());
        Assert.Equal(0, await RemainingAsync(client, branch1, start, "s2"));
    }

    [Fact]
    public async Task A_consultation_without_a_topic_or_with_one_it_does_not_offer_is_a_400()
    {
        var (_, branch1, _) = await CreateAsync();
        var start = Tokyo.At(BookableDay(), new TimeSpan(14, 30, 0));
        using var client = app.CreateClient();
        foreach (var section in new[] { null, "sec", "nope", "" })
            Assert.Equal(HttpStatusCode.BadRequest, (await BookAsync(client, branch1, start, section)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/offices/{branch1.Id}/services/a/slots?sectionId=nope")).StatusCode);
        Assert.Equal(2, await RemainingAsync(client, branch1, start, null)); // nothing was held
    }

    [Fact]
    public async Task The_admin_sets_and_stops_a_services_slots_and_staff_read_the_days_bookings_only_when_signed_in()
    {
        var office = await app.CreateOfficeAsync(TestOffices.Create(hours: TestSchedules.Ward));
        using var admin = app.AdminClient();
        using var visitor = app.CreateClient();
        var path = $"/api/admin/offices/{office.Id}/services/b/booking";
        Assert.Equal(HttpStatusCode.Conflict, (await visitor.GetAsync($"/api/offices/{office.Id}/services/b/slots")).StatusCode); // not bookable
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.PutAsJsonAsync(path, new { slotMinutes = 15 })).StatusCode);
        foreach (var bad in new object[] { new { slotMinutes = 7 }, new { capacity = 0 }, new { horizonDays = 999 }, new { cutoffMinutes = -1 } })
        {
            var refused = await admin.PutAsJsonAsync(path, bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsync(path, new StringContent("{\"blockedDates\": [\"2026-13-01\"]}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        var day = BookableDay();
        var set = await admin.PutAsJsonAsync(path, new { slotMinutes = 15, capacity = 1, horizonDays = 60, cutoffMinutes = 0, blockedDates = new[] { day.AddDays(1), day.AddDays(1) } });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var slots = (await (await visitor.GetAsync($"/api/offices/{office.Id}/services/b/slots?date={day:yyyy-MM-dd}")).ReadJsonAsync()).AsArray();
        Assert.Equal(34, slots.Count); // 08:30-17:00 in 15 minutes
        Assert.Empty((await (await visitor.GetAsync($"/api/offices/{office.Id}/services/b/slots?date={day.AddDays(1):yyyy-MM-dd}")).ReadJsonAsync()).AsArray());

        var start = Tokyo.At(day, new TimeSpan(9, 0, 0));
        var booked = await visitor.PostAsJsonAsync("/api/bookings", new { officeId = office.Id, serviceId = "b", start, contact = new { email = "hanako@example.jp" } }, ApiJson.Options);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var listUrl = $"/api/offices/{office.Id}/services/b/bookings?date={day:yyyy-MM-dd}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.GetAsync(listUrl)).StatusCode);
        var list = (await (await admin.GetAsync(listUrl)).ReadJsonAsync()).AsArray();
        Assert.Equal(("booked", false, "hanako@example.jp"),
            (list.Single()!["booking"]!["status"]!.GetValue<string>(), list.Single()!["late"]!.GetValue<bool>(), list.Single()!["contact"]!["email"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/offices/{office.Id}/services/b/bookings?date=2020-01-01")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/offices/{office.Id}/services/b/bookings?date=tomorrow")).StatusCode);

        // Found again by its code (as the booking page does), without the contact.
        var code = (await booked.ReadJsonAsync())["code"]!.GetValue<string>();
        var found = await (await visitor.GetAsync($"/api/offices/{office.Id}/bookings/by-code/{code.ToLowerInvariant()}")).ReadJsonAsync();
        Assert.Equal(code, found["code"]!.GetValue<string>());
        Assert.DoesNotContain("hanako", found.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/api/offices/{office.Id}/bookings/by-code/not-a-code")).StatusCode);

        // Stopping bookings: no new ones; the one made stands.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await visitor.PostAsJsonAsync("/api/bookings", new { officeId = office.Id, serviceId = "b", start = start.AddMinutes(15) }, ApiJson.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"/api/admin/offices/{office.Id}/services/nope/booking", new { })).StatusCode);
    }

    [Fact]
    public async Task An_office_whose_consultation_has_no_rooms_is_refused()
    {
        var office = TestOffices.Create() with { Kind = OfficeKind.Branch };
        office = office with
        {
            Services = office.Services.Select(s => s.Id == "a" ? s with
            {
                Bookable = true,
                Booking = new SlotPolicy { Consultation = new ConsultationPolicy { WardOfficeId = "kawasaki", SectionIds = ["elderly-disability"] } },
            } : s).ToList(),
        };
        using var admin = app.AdminClient();
        var response = await admin.PutAsJsonAsync($"/api/admin/offices/{office.Id}", office, ApiJson.Options);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no rooms", (await response.ReadJsonAsync()).ToJsonString());
    }
}

/// <summary>Contact details are deleted once the slot is the configured number of days past; the booking keeps its times and status.</summary>
public sealed class ContactPurgeTests
{
    [Fact]
    public async Task Contact_details_are_forgotten_after_the_retention_days_and_the_booking_stays()
    {
        var app = new AppFixture { Logs = new CapturingLoggerProvider() };
        app.ExtraSettings["Queue:ContactRetentionDays"] = "1";
        app.ExtraSettings["Queue:ForwardingNameRetentionDays"] = "1";
        await app.InitializeAsync();
        try
        {
            await ForgetsAsync(app);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task ForgetsAsync(AppFixture app)
    {
        var office = TestOffices.Create(hours: TestSchedules.Ward);
        office = await app.CreateOfficeAsync(office with
        {
            Services = office.Services.Select(s => s.Id == "a" ? s with { Bookable = true, Booking = new SlotPolicy { CutoffMinutes = 60 } } : s).ToList(),
        });
        var day = app.Today.AddDays(1);
        while (TestSchedules.Ward.HoursOn(day) is null) day = day.AddDays(1);
        var start = Tokyo.At(day, new TimeSpan(9, 0, 0));
        using var client = app.CreateClient();
        var booked = await client.PostAsJsonAsync("/api/bookings",
            new { officeId = office.Id, serviceId = "a", start, contact = new { name = "山田 花子", phone = "044-201-3111" } }, ApiJson.Options);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        using var staff = app.AdminClient();
        var listUrl = $"/api/offices/{office.Id}/services/a/bookings?date={day:yyyy-MM-dd}";
        async Task<JsonNode> OnlyBookingAsync() => (await (await staff.GetAsync(listUrl)).ReadJsonAsync()).AsArray().Single()!;
        Assert.Equal("山田 花子", (await OnlyBookingAsync())["contact"]!["name"]!.GetValue<string>()); // staff see what was given
        var purge = app.Services.GetRequiredService<ContactPurge>();
        Assert.Equal(0, await purge.RunAsync());

        // Just under a day after the slot: still kept.
        app.Clock.Advance(start.AddMinutes(30).AddDays(1) - app.Clock.GetUtcNow() - TimeSpan.FromMinutes(5));
        Assert.Equal(0, await purge.RunAsync());
        Assert.NotNull((await OnlyBookingAsync())["contact"]);
        // A day after the slot's end: forgotten; the booking keeps its times and status. (The nightly job may have
        // done it first once the clock passed 03:15: either way it is gone, exactly once.)
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.InRange(await purge.RunAsync(), 0, 1);
        var after = await OnlyBookingAsync();
        Assert.Null(after["contact"]);
        Assert.Equal(("noShow", start), (after["booking"]!["status"]!.GetValue<string>(), after["booking"]!["start"]!.GetValue<DateTimeOffset>()));
        Assert.Equal(0, await purge.RunAsync()); // the day left the register
        await ForgetsResidentNamesAsync(app);
        // Nothing of the contact ever reached the logs (the app logged the booking and the purge, without it).
        Assert.Single(app.Logs!.Lines, l => l.Contains("Forgot the contact details of 1 bookings"));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("山田") || l.Contains("201-3111") || l.Contains("川崎 花子"));
    }

    /// <summary>A forwarded paper's resident name is kept while it is under way and a day after completion, then deleted.</summary>
    private static async Task ForgetsResidentNamesAsync(AppFixture app)
    {
        var admin = app.AdminClient();
        var item = await (await admin.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = "birth-notification", residentName = "川崎 花子" })).ReadJsonAsync();
        var id = item["id"]!.GetValue<string>();
        var names = app.Services.GetRequiredService<CounterQueue.Web.Forwarding.ForwardingNamePurge>();
        // Another paper is sent but never arrives: overdue at both ends after three of the ward's business days.
        var lost = await (await admin.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = "income-declaration" })).ReadJsonAsync();
        var lostId = lost["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/forwarding/{lostId}/dispatch", null)).StatusCode);
        Assert.False(lost["overdue"]!.GetValue<bool>());
        foreach (var step in new[] { "dispatch", "receive" }) Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/forwarding/{id}/{step}", null)).StatusCode);
        app.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(0, await names.RunAsync()); // not complete yet: kept
        var dueBy = (await (await admin.GetAsync($"/api/forwarding/{lostId}")).ReadJsonAsync())["dueBy"]!.GetValue<DateTimeOffset>();
        app.Clock.Advance(dueBy - app.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        // Days have passed beyond the fixture's admin token: sign in again.
        admin.Dispose();
        admin = app.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", await AppFixture.TokenAsync(admin, "admin", AppFixture.AdminPassword));
        var month = CounterQueue.Domain.Calendar.Tokyo.ToLocal(lost["acceptedAt"]!.GetValue<DateTimeOffset>()).ToString("yyyy-MM");
        foreach (var ledgerUrl in new[] { $"/api/offices/daishi/forwarding?month={month}", $"/api/offices/kawasaki/forwarding?month={month}&sectionId=welfare-daishi-tajima" })
        {
            var line = (await (await admin.GetAsync(ledgerUrl)).ReadJsonAsync()).AsArray().Single(i => i!["id"]!.GetValue<string>() == lostId)!;
            Assert.True(line["overdue"]!.GetValue<bool>(), ledgerUrl);
        }
        Assert.Equal("川崎 花子", (await (await admin.GetAsync($"/api/forwarding/{id}")).ReadJsonAsync())["residentName"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/forwarding/{id}/complete", null)).StatusCode);
        Assert.Equal(0, await names.RunAsync()); // completed just now: kept for the retention day
        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.InRange(await names.RunAsync(), 0, 1); // or the nightly job, once the clock passed 03:15
        var after = await (await admin.GetAsync($"/api/forwarding/{id}")).ReadJsonAsync();
        Assert.Null(after["residentName"]);
        Assert.Equal("completed", after["status"]!.GetValue<string>()); // the ledger line stays
        Assert.Equal(0, await names.RunAsync());
        admin.Dispose();
    }
}

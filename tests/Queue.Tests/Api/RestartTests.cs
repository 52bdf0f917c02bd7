using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

/// <summary>kill -9 the real process and start it again on the same data: nothing acknowledged is lost.</summary>
public sealed class RestartTests : IDisposable
{
    private const string Password = "restart-test-password";
    private readonly TempDirectory _data = new("restart");

    public void Dispose() => _data.Dispose();

    private static async Task<string> AdminTokenAsync(AppProcess app)
    {
        using var client = app.CreateClient();
        return await AppFixture.TokenAsync(client, "admin", Password);
    }

    private static async Task<(string Id, string Number)?> TryIssueAsync(HttpClient client, string officeId)
    {
        try
        {
            var response = await client.PostJsonAsync($"/api/offices/{officeId}/tickets", new { serviceId = "a" });
            if (response.StatusCode != HttpStatusCode.Created) return null;
            var ticket = await response.ReadJsonAsync();
            return (ticket["ticketId"]!.GetValue<string>(), ticket["number"]!.GetValue<string>());
        }
        catch (HttpRequestException)
        {
            return null; // the process died before answering: not acknowledged
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Tickets_survive_kill_9_and_numbering_continues_without_reuse()
    {
        var office = TestOffices.Create();
        List<(string Id, string Number)> acknowledged;
        await using (var first = await AppProcess.StartAsync(_data.Path, Password))
        {
            using var admin = first.CreateClient(await AdminTokenAsync(first));
            Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/api/admin/offices/{office.Id}", office, ApiJson.Options)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);

            using var visitors = first.CreateClient();
            var issued = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => TryIssueAsync(visitors, office.Id)));
            acknowledged = issued.OfType<(string, string)>().ToList();
            Assert.Equal(60, acknowledged.Count);
            var called = await (await admin.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).ReadJsonAsync();
            Assert.Equal("A-001", called["ticket"]!["number"]!.GetValue<string>());
            await first.KillAsync(); // right after the last acknowledgement
        }

        await using var second = await AppProcess.StartAsync(_data.Path, Password);
        using var staff = second.CreateClient(await AdminTokenAsync(second));
        using var visitor = second.CreateClient();
        foreach (var (id, number) in acknowledged)
        {
            var ticket = await (await visitor.GetAsync($"/api/tickets/{id}")).ReadJsonAsync();
            Assert.Equal(number, ticket["number"]!.GetValue<string>());
        }
        Assert.Equal(60, acknowledged.Select(t => t.Number).Distinct().Count());

        var next = await TryIssueAsync(visitor, office.Id);
        Assert.Equal("A-061", next!.Value.Number);

        // The counter still has A-001 in hand after the restart; finishing it, the line goes on in order.
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/complete", null)).StatusCode);
        var call = await (await staff.PostAsync($"/api/offices/{office.Id}/counters/c1/call-next", null)).ReadJsonAsync();
        Assert.Equal("A-002", call["ticket"]!["number"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_kill_in_the_middle_of_a_burst_loses_no_acknowledged_ticket()
    {
        var office = TestOffices.Create();
        var acknowledged = new ConcurrentBag<(string Id, string Number)>();
        await using (var first = await AppProcess.StartAsync(_data.Path, Password))
        {
            using var admin = first.CreateClient(await AdminTokenAsync(first));
            await admin.PutAsJsonAsync($"/api/admin/offices/{office.Id}", office, ApiJson.Options);
            using var visitors = first.CreateClient();
            var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // 32 kiosks keep issuing until the process dies under them; it is killed after 200 acknowledgements.
            var kiosks = Enumerable.Range(0, 32).Select(async _ =>
            {
                for (var i = 0; i < 1000 && !killed.Task.IsCompleted; i++)
                {
                    if (await TryIssueAsync(visitors, office.Id) is not { } ticket) return; // died under this request
                    acknowledged.Add(ticket);
                    if (acknowledged.Count >= 200) killed.TrySetResult();
                }
            }).ToList();
            await killed.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await first.KillAsync();
            await Task.WhenAll(kiosks);
        }
        Assert.True(acknowledged.Count >= 200);

        await using var second = await AppProcess.StartAsync(_data.Path, Password);
        using var visitor = second.CreateClient();
        foreach (var (id, number) in acknowledged)
        {
            var response = await visitor.GetAsync($"/api/tickets/{id}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"acknowledged ticket {number} was lost");
            Assert.Equal(number, (await response.ReadJsonAsync())["number"]!.GetValue<string>());
        }
        var fresh = await TryIssueAsync(visitor, office.Id);
        Assert.DoesNotContain(fresh!.Value.Number, acknowledged.Select(t => t.Number));

        // The visit history was durable with each acknowledgement: every acknowledged ticket's issue is in it.
        using var staff = second.CreateClient(await AdminTokenAsync(second));
        foreach (var (id, number) in acknowledged)
        {
            var journey = await staff.GetAsync($"/api/tickets/{id}/journey");
            Assert.True(journey.StatusCode == HttpStatusCode.OK, $"the history lost the issue of acknowledged ticket {number}");
            Assert.Equal("issued", (await journey.ReadJsonAsync())["steps"]![0]!["kind"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Bookings_survive_kill_9_with_their_codes_and_places()
    {
        var office = TestOffices.Create(hours: TestSchedules.Ward);
        office = office with
        {
            Services = office.Services.Select(s => s.Id == "a"
                ? s with { Bookable = true, Booking = new CounterQueue.Domain.Bookings.SlotPolicy { Capacity = 3 } } : s).ToList(),
        };
        var day = CounterQueue.Domain.Calendar.Tokyo.DateOf(TimeProvider.System.GetUtcNow()).AddDays(2);
        while (TestSchedules.Ward.HoursOn(day) is null || day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
        var starts = Enumerable.Range(0, 10).Select(i => CounterQueue.Domain.Calendar.Tokyo.At(day, new TimeSpan(9, 0, 0) + TimeSpan.FromMinutes(30 * i))).ToList();
        List<(string Id, string Code)> acknowledged;
        DateTimeOffset consultationStart;
        await using (var first = await AppProcess.StartAsync(_data.Path, Password))
        {
            using var admin = first.CreateClient(await AdminTokenAsync(first));
            Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/api/admin/offices/{office.Id}", office, ApiJson.Options)).StatusCode);
            using var visitors = first.CreateClient();
            var booked = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
            {
                var response = await visitors.PostJsonAsync("/api/bookings", new { officeId = office.Id, serviceId = "a", start = starts[i % starts.Count] });
                if (response.StatusCode != HttpStatusCode.Created) return ((string, string)?)null;
                var booking = await response.ReadJsonAsync();
                return (booking["bookingId"]!.GetValue<string>(), booking["code"]!.GetValue<string>());
            }));
            acknowledged = booked.OfType<(string, string)>().ToList();
            Assert.Equal(30, acknowledged.Count);
            // Three consultations at daishi in the same hour take its three rooms (each with a ward section's staff).
            var daishiSlots = (await (await visitors.GetAsync($"/api/offices/daishi/services/consultation/slots?date={day:yyyy-MM-dd}")).ReadJsonAsync()).AsArray();
            consultationStart = daishiSlots.First(s => s!["remaining"]!.GetValue<int>() == 3)!["start"]!.GetValue<DateTimeOffset>();
            foreach (var section in new[] { "elderly-disability", "welfare-daishi-tajima", "children" })
            {
                var response = await visitors.PostJsonAsync("/api/bookings", new { officeId = "daishi", serviceId = "consultation", start = consultationStart, sectionId = section });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }
            await first.KillAsync(); // right after the last acknowledgement
        }

        await using var second = await AppProcess.StartAsync(_data.Path, Password);
        using var client = second.CreateClient();
        foreach (var (id, code) in acknowledged)
        {
            var booking = await (await client.GetAsync($"/api/bookings/{id}")).ReadJsonAsync();
            Assert.Equal((code, "booked"), (booking["code"]!.GetValue<string>(), booking["status"]!.GetValue<string>()));
        }
        var slots = (await (await client.GetAsync($"/api/offices/{office.Id}/services/a/slots?date={day:yyyy-MM-dd}")).ReadJsonAsync()).AsArray();
        Assert.All(slots.Where(s => starts.Contains(s!["start"]!.GetValue<DateTimeOffset>())), s => Assert.Equal(0, s!["remaining"]!.GetValue<int>()));
        var refused = await client.PostJsonAsync("/api/bookings", new { officeId = office.Id, serviceId = "a", start = starts[0] });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode); // still full after the restart
        // The section's staff member is still held: the same section at tajima then is refused, though tajima's rooms are free.
        var atTajima = await client.PostJsonAsync("/api/bookings", new { officeId = "tajima", serviceId = "consultation", start = consultationStart, sectionId = "welfare-daishi-tajima" });
        Assert.Equal(HttpStatusCode.Conflict, atTajima.StatusCode);
        Assert.Equal("section-unavailable", (await atTajima.ReadJsonAsync())["code"]!.GetValue<string>());
        using var staff = second.CreateClient(await AdminTokenAsync(second));
        var appointments = (await (await staff.GetAsync($"/api/offices/kawasaki/sections/children/appointments?date={day:yyyy-MM-dd}")).ReadJsonAsync()).AsArray();
        Assert.Equal(("daishi", consultationStart), (appointments.Single()!["branchOfficeId"]!.GetValue<string>(), appointments.Single()!["start"]!.GetValue<DateTimeOffset>()));
    }

    [Fact]
    public async Task Forwarding_serial_numbers_are_never_given_twice_across_a_kill_9()
    {
        List<int> before;
        await using (var first = await AppProcess.StartAsync(_data.Path, Password))
        {
            using var admin = first.CreateClient(await AdminTokenAsync(first));
            var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => admin.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = "income-declaration" })));
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
            before = (await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync())["serialNumber"]!.GetValue<int>()))).Order().ToList();
            await first.KillAsync(); // right after the last acknowledgement
        }
        Assert.Equal(Enumerable.Range(1, 12), before);
        await using var second = await AppProcess.StartAsync(_data.Path, Password);
        using var client = second.CreateClient(await AdminTokenAsync(second));
        var next = await (await client.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = "income-declaration" })).ReadJsonAsync();
        Assert.Equal(13, next["serialNumber"]!.GetValue<int>());
        var ledger = (await (await client.GetAsync("/api/offices/daishi/forwarding")).ReadJsonAsync()).AsArray();
        Assert.Equal(13, ledger.Count(i => i!["documentTypeId"]!.GetValue<string>() == "income-declaration"));
    }
}

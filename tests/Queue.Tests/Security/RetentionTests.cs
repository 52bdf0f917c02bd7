using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CounterQueue.Domain.Bookings;
using CounterQueue.Domain.Calendar;
using Microsoft.Data.Sqlite;
using CounterQueue.Tests.Support;
using CounterQueue.Web.History;
using Microsoft.Extensions.DependencyInjection;

namespace CounterQueue.Tests.Security;

/// <summary>Years of operation on the fake clock: what is kept stays bounded, and limits meant for what is planned are not used up by the past.</summary>
public sealed class RetentionTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly AppFixture _app = new();

    public async Task InitializeAsync()
    {
        _app.ExtraSettings["Queue:MaxTemporarySchedules"] = "12"; // the demo data plans 8 for spring 2027
        _app.ExtraSettings["Queue:TemporaryScheduleRetentionDays"] = "60";
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Three_years_of_seasons_leave_the_registry_bounded_and_still_accepting_new_schedules()
    {
        var procedures = new[] { "taxi-voucher", "bus-discount" };
        var counts = new List<int>();
        for (var month = 0; month < 36; month++)
        {
            using var signIn = _app.CreateClient();
            using var admin = _app.CreateClient(); // a fresh sign-in each month: tokens expire
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AppFixture.TokenAsync(signIn, "admin", AppFixture.AdminPassword));
            var day = Tokyo.DateOf(_app.Clock.GetUtcNow()).AddDays(10);
            foreach (var procedure in procedures)
            {
                var session = Poll.SessionBody(Tokyo.At(day, new TimeSpan(9, 0, 0)), Tokyo.At(day, new TimeSpan(16, 0, 0)));
                var created = await admin.PostJsonAsync("/api/offices/tajima/temporary-counters", new { procedureId = procedure, sessions = new[] { session } });
                Assert.True(created.StatusCode == HttpStatusCode.Created, $"month {month}, {procedure}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            }
            _app.Clock.Advance(TimeSpan.FromDays(30));
            await _app.Services.GetRequiredService<HistoryRetention>().RunAsync(); // what the nightly job does
            counts.Add((await (await admin.GetAsync("/api/temporary-counters?officeId=tajima")).ReadJsonAsync()).AsArray().Count);
        }
        // Only the last couple of months' seasons are kept (60 days after their last session), never the whole three years;
        // counting every schedule ever made, 12 would have been refused from the third month on.
        Assert.True(counts.Max() <= 12 && counts.Skip(12).All(c => c <= 6), $"schedules kept month by month: {string.Join(", ", counts)}");
        Assert.True(counts[^1] >= 2, "recent seasons are still listed");
    }

    [Fact]
    public async Task Three_years_of_daily_tickets_bookings_and_idempotency_keys_leave_the_store_bounded()
    {
        var office = TestOffices.Create();
        office = office with
        {
            Services = office.Services.Select(s => s.Id == "a"
                ? s with { Bookable = true, Booking = new SlotPolicy { SlotMinutes = 30, Capacity = 3, HorizonDays = 30, CutoffMinutes = 60 } }
                : s).ToList(),
        };
        await _app.CreateOfficeAsync(office);
        using var visitor = _app.CreateClient();
        var kept = new List<(int Day, long States, long Records, long Events, long Keys)>();
        string? lastTicket = null, monthOldTicket = null;
        for (var day = 1; day <= 3 * 365; day++)
        {
            var today = Tokyo.DateOf(_app.Clock.GetUtcNow());
            var issue = new HttpRequestMessage(HttpMethod.Post, $"/api/offices/{office.Id}/tickets") { Content = JsonContent.Create(new { serviceId = "a" }) };
            issue.Headers.Add("Idempotency-Key", $"kiosk-{day}");
            var ticket = await visitor.SendAsync(issue);
            Assert.True(ticket.StatusCode == HttpStatusCode.Created, $"day {day}: {(int)ticket.StatusCode} {await ticket.Content.ReadAsStringAsync()}");
            lastTicket = (await ticket.ReadJsonAsync())["ticketId"]!.GetValue<string>();
            if (day == 3 * 365 - 40) monthOldTicket = lastTicket;
            Assert.Equal(HttpStatusCode.Created, (await visitor.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "b" })).StatusCode);
            var book = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
            {
                Content = JsonContent.Create(new
                {
                    officeId = office.Id, serviceId = "a", start = Tokyo.At(today.AddDays(2), new TimeSpan(10, 0, 0)),
                    contact = new { phone = "044-200-0000" }, language = "ja",
                }, options: ApiJson.Options),
            };
            book.Headers.Add("Idempotency-Key", $"phone-{day}");
            var booked = await visitor.SendAsync(book);
            Assert.True(booked.StatusCode == HttpStatusCode.Created, $"day {day}: {(int)booked.StatusCode} {await booked.Content.ReadAsStringAsync()}");

            _app.Clock.Advance(TimeSpan.FromDays(1));
            if (day % 7 == 0) await _app.Services.GetRequiredService<HistoryRetention>().RunAsync(); // the nightly job, weekly here
            if (day % 365 == 0 || day == 120)
            {
                var (states, records, events, keys) = await CountAsync();
                kept.Add((day, states, records, events, keys));
            }
        }

        // What a day leaves behind goes after PastDaysKept (31) days, Idempotency-Keys after 24 h, the history after 400 days:
        // the store after three years holds what it held after the first four months, give or take a week's pruning.
        var (_, statesAt120, recordsAt120, _, _) = kept[0];
        var report = string.Join("; ", kept.Select(k => $"day {k.Day}: {k.States} states, {k.Records} records, {k.Events} events, {k.Keys} keys"));
        output.WriteLine(report);
        Assert.All(kept, k => Assert.True(k.States <= statesAt120 * 1.25 && k.Records <= recordsAt120 * 1.25, report));
        Assert.All(kept, k => Assert.True(k.Keys <= 2 * 8, report)); // at most a week's keys wait for the weekly prune
        Assert.True(kept[^1].Events <= kept[1].Events * 1.25 && kept[^1].Events >= kept[1].Events * 0.75, report); // 400 days of history, then flat

        // Recent tickets are still there; one from 40 days ago is gone, as its lookup said after 31 days anyway.
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"/api/tickets/{lastTicket}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/api/tickets/{monthOldTicket}")).StatusCode);
    }

    /// <summary>The stored states (tables and log together), ticket and other records, visit events and Idempotency-Keys in the embedded store.</summary>
    private async Task<(long States, long Records, long Events, long Keys)> CountAsync()
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(_app.DataDirectory, "queue.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        async Task<long> Scalar(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return (long)(await command.ExecuteScalarAsync())!;
        }
        const string states = "SELECT state_name, grain_id FROM grain_state WHERE data IS NOT NULL UNION SELECT state_name, grain_id FROM grain_log WHERE version IS NOT NULL";
        return (await Scalar($"SELECT count(*) FROM ({states})"),
            await Scalar("SELECT count(*) FROM (SELECT state_name, grain_id, record_key FROM grain_record UNION SELECT state_name, grain_id, record_key FROM grain_log WHERE record_key IS NOT NULL)"),
            await Scalar("SELECT count(*) FROM visit_event"),
            await Scalar($"SELECT count(*) FROM ({states}) WHERE state_name = 'idempotency'"));
    }
}

using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.Tickets;
using CounterQueue.Silo.Counters;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class QueueGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private async Task<OfficeDefinition> NewOfficeAsync(OfficeSchedule? hours = null, int maxConsecutiveAssisted = 3)
    {
        var office = TestOffices.Create(hours: hours, maxConsecutiveAssisted: maxConsecutiveAssisted);
        Assert.True(await Grains.GetGrain<IOfficeGrain>(office.Id).DefineAsync(office, onlyIfNew: true));
        return office;
    }

    private ICounterGrain Counter(OfficeDefinition office, string id) =>
        Grains.GetGrain<ICounterGrain>(new CounterKey(office.Id, id).ToGrainKey());

    private DateOnly Today => Tokyo.DateOf(fixture.Time.GetUtcNow());

    private Task<TicketView> IssueAsync(OfficeDefinition office, string serviceId, Priority priority = Priority.Normal)
    {
        var key = new TicketLineKey(office.Id, serviceId, Today);
        return Grains.GetGrain<ITicketLineGrain>(key.ToGrainKey()).IssueAsync(new IssueTicket(TicketId.New(key), priority, "ja"));
    }

    [Fact]
    public async Task Line_references_are_made_once_and_still_reach_their_line_after_the_cache_starts_over()
    {
        var office = await NewOfficeAsync();
        await Counter(office, "c1").OpenAsync(null);
        var lines = new TicketLineGrains(Grains);
        var key = new TicketLineKey(office.Id, "a", Today);
        var first = lines.Get(key);
        Assert.Same(first, lines.Get(key));
        var issued = await first.IssueAsync(new IssueTicket(TicketId.New(key), Priority.Normal, "ja"));

        // Past its bound the cache starts over; a reference made again reaches the same line and its tickets.
        for (var day = 1; day <= 4096; day++) lines.Get(key with { Day = Today.AddDays(-day) });
        var again = lines.Get(key);
        Assert.NotSame(first, again);
        Assert.Equal(issued.Number, (await again.GetAsync(issued.TicketId)).Ticket?.Number);
    }

    [Fact]
    public async Task A_line_issues_only_ids_of_its_own_office_service_and_day()
    {
        var office = await NewOfficeAsync();
        await Counter(office, "c1").OpenAsync(null);
        var key = new TicketLineKey(office.Id, "a", Today);
        var line = Grains.GetGrain<ITicketLineGrain>(key.ToGrainKey());
        var own = TicketId.New(key);
        foreach (var id in new[]
                 {
                     TicketId.New(key with { ServiceId = "b" }), TicketId.New(key with { Day = Today.AddDays(-1) }),
                     own[..^1], own + "x", own[..^1] + "*", own.Replace(office.Id, office.Id + "x"),
                 })
        {
            var refused = await Assert.ThrowsAsync<QueueProblemException>(() => line.IssueAsync(new IssueTicket(id, Priority.Normal, "ja")));
            Assert.Equal(CounterQueue.Domain.ProblemCodes.TicketIdMismatch, refused.Code);
        }
        Assert.Equal(own, (await line.IssueAsync(new IssueTicket(own, Priority.Normal, "ja"))).TicketId);
        Assert.Equal(key, TicketId.IssuingLine(own));
    }

    [Fact]
    public async Task CallNext_calls_tickets_in_the_order_they_were_issued()
    {
        var office = await NewOfficeAsync();
        var counter = Counter(office, "c1");
        await counter.OpenAsync(null);
        var issued = new List<string>();
        for (var i = 0; i < 3; i++) issued.Add((await IssueAsync(office, "a")).Number);
        Assert.Equal(["A-001", "A-002", "A-003"], issued);

        var called = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var ticket = await counter.CallNextAsync();
            called.Add(ticket!.Number);
            Assert.Equal(TicketStatus.Called, ticket.Status);
            Assert.Equal("c1", ticket.Counter!.Id);
            await counter.CompleteAsync();
        }
        Assert.Equal(issued, called);
        Assert.Null(await counter.CallNextAsync());
    }

    [Fact]
    public async Task CallNext_gives_assisted_ticket_before_older_normal_one()
    {
        var office = await NewOfficeAsync();
        var counter = Counter(office, "c1");
        await counter.OpenAsync(null);
        await IssueAsync(office, "a");
        var assisted = await IssueAsync(office, "a", Priority.Assisted);
        Assert.Equal(assisted.Number, (await counter.CallNextAsync())!.Number);
    }

    [Fact]
    public async Task A_counter_serving_two_services_takes_the_earliest_across_them()
    {
        var office = await NewOfficeAsync();
        var counter = Counter(office, "c2");
        await counter.OpenAsync(null);
        var b = await IssueAsync(office, "b");
        var a = await IssueAsync(office, "a");
        Assert.Equal(b.Number, (await counter.CallNextAsync())!.Number);
        await counter.CompleteAsync();
        Assert.Equal(a.Number, (await counter.CallNextAsync())!.Number);
    }

    [Fact]
    public async Task Counters_calling_at_once_never_share_a_ticket_and_together_get_all_of_them()
    {
        var office = await NewOfficeAsync();
        var counters = Enumerable.Range(1, 8).Select(i => Counter(office, $"p{i}")).ToList();
        await Task.WhenAll(counters.Select(c => c.OpenAsync(null)));
        var issued = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => IssueAsync(office, "a")));
        Assert.Equal(60, issued.Select(t => t.Number).Distinct().Count());

        var perCounter = await Task.WhenAll(counters.Select(async counter =>
        {
            var mine = new List<string>();
            while (await counter.CallNextAsync() is { } ticket)
            {
                mine.Add(ticket.TicketId);
                await counter.CompleteAsync();
            }
            return mine;
        }));

        var called = perCounter.SelectMany(t => t).ToList();
        Assert.Equal(called.Count, called.Distinct().Count());
        Assert.Equal(issued.Select(t => t.TicketId).Order(), called.Order());
    }

    [Fact]
    public async Task A_transferred_ticket_keeps_its_number_and_goes_ahead_of_later_tickets()
    {
        var office = await NewOfficeAsync();
        var c1 = Counter(office, "c1");
        var c3 = Counter(office, "c3");
        await c1.OpenAsync(null);
        await c3.OpenAsync(null);
        var first = await IssueAsync(office, "a");
        var laterB = await IssueAsync(office, "b");

        await c1.CallNextAsync();
        var moved = await c1.TransferAsync("b");
        Assert.Equal((first.Number, "b", TicketStatus.Waiting, 0), (moved.Number, moved.ServiceId, moved.Status, moved.Position));
        Assert.Null((await c1.GetAsync()).Serving);

        Assert.Equal(first.Number, (await c3.CallNextAsync())!.Number);
        await c3.CompleteAsync();
        Assert.Equal(laterB.Number, (await c3.CallNextAsync())!.Number);
    }

    [Fact]
    public async Task A_closed_counter_cannot_call()
    {
        var office = await NewOfficeAsync();
        var e = await Assert.ThrowsAsync<QueueProblemException>(() => Counter(office, "c1").CallNextAsync());
        Assert.Equal("counter-not-open", e.Code);
    }

    [Fact]
    public async Task The_ticket_in_hand_must_be_finished_before_the_next_call_or_closing()
    {
        var office = await NewOfficeAsync();
        var counter = Counter(office, "c1");
        await counter.OpenAsync(null);
        await IssueAsync(office, "a");
        await IssueAsync(office, "a");
        await counter.CallNextAsync();
        Assert.Equal("ticket-in-hand", (await Assert.ThrowsAsync<QueueProblemException>(() => counter.CallNextAsync())).Code);
        Assert.Equal("ticket-in-hand", (await Assert.ThrowsAsync<QueueProblemException>(() => counter.CloseAsync())).Code);
        await counter.NoShowAsync();
        Assert.Equal("A-002", (await counter.CallNextAsync())!.Number);
    }

    [Fact]
    public async Task A_service_outside_hours_takes_tickets_only_while_a_counter_is_open()
    {
        var office = await NewOfficeAsync(hours: new OfficeSchedule()); // never open by the clock
        var e = await Assert.ThrowsAsync<QueueProblemException>(() => IssueAsync(office, "a"));
        Assert.Equal("service-closed", e.Code);

        await Counter(office, "c1").OpenAsync(null); // staff open outside hours
        Assert.Equal("A-001", (await IssueAsync(office, "a")).Number);

        await Counter(office, "c1").CloseAsync();
        Assert.Equal("service-closed", (await Assert.ThrowsAsync<QueueProblemException>(() => IssueAsync(office, "a"))).Code);
    }

    [Fact]
    public async Task A_closed_service_says_when_it_next_opens()
    {
        var tomorrow = Today.AddDays(1);
        var hours = new OfficeSchedule
        {
            ClosedOnHolidays = false,
            YearEndClosure = false,
            Weekdays = tomorrow.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? null : DailyHours.Parse("09:00", "10:00"),
            Saturdays = tomorrow.DayOfWeek == DayOfWeek.Saturday ? new SaturdayHours { Hours = DailyHours.Parse("09:00", "10:00") } : null,
            Sundays = tomorrow.DayOfWeek == DayOfWeek.Sunday ? DailyHours.Parse("09:00", "10:00") : null,
            ClosedDates = [Today],
        };
        var office = await NewOfficeAsync(hours);
        var e = await Assert.ThrowsAsync<QueueProblemException>(() => IssueAsync(office, "a"));
        Assert.Equal($"{tomorrow:yyyy-MM-dd}T09:00:00+09:00", e.Details["nextOpening"]);
    }

    [Fact]
    public async Task A_multi_step_ticket_goes_from_reception_to_processing_to_pickup_keeping_its_number()
    {
        var office = await NewOfficeAsync();
        var reception = Counter(office, "mr");
        var pickup = Counter(office, "mp");
        await reception.OpenAsync(null);
        await pickup.OpenAsync(null);
        var ticket = await IssueAsync(office, "m");

        await reception.CallNextAsync();
        var processing = await reception.CompleteAsync();
        Assert.Equal(("processing", TicketStatus.Waiting), (processing.Step, processing.Status));
        Assert.Null(await pickup.CallNextAsync());

        var line = Grains.GetGrain<ITicketLineGrain>(new TicketLineKey(office.Id, "m", Today).ToGrainKey());
        var ready = await line.ReadyAsync(ticket.TicketId);
        Assert.Equal("pickup", ready.Step);
        var called = await pickup.CallNextAsync();
        Assert.Equal((ticket.Number, "pickup"), (called!.Number, called.Step));
        Assert.Equal(TicketStatus.Done, (await pickup.CompleteAsync()).Status);
    }

    [Fact]
    public async Task A_ticket_the_visitor_cancelled_no_longer_blocks_the_counter()
    {
        var office = await NewOfficeAsync();
        var counter = Counter(office, "c1");
        await counter.OpenAsync(null);
        var gone = await IssueAsync(office, "a");
        var next = await IssueAsync(office, "a");
        await counter.CallNextAsync();
        var line = Grains.GetGrain<ITicketLineGrain>(new TicketLineKey(office.Id, "a", Today).ToGrainKey());
        await line.CancelAsync(gone.TicketId);
        Assert.Equal(next.Number, (await counter.CallNextAsync())!.Number);
    }

    [Fact]
    public async Task Opening_a_counter_counts_it_for_wait_estimates()
    {
        var office = await NewOfficeAsync();
        for (var i = 0; i < 4; i++) await IssueAsync(office, "a");
        var line = Grains.GetGrain<ITicketLineGrain>(new TicketLineKey(office.Id, "a", Today).ToGrainKey());
        Assert.Equal(25, (await line.GetSummaryAsync()).EstimatedWaitMinutes); // (4 + 1) × 5 min, as if one counter
        await Counter(office, "p1").OpenAsync(null);
        await Counter(office, "p2").OpenAsync(null);
        var summary = await line.GetSummaryAsync();
        Assert.Equal((2, 13), (summary.OpenCounters, summary.EstimatedWaitMinutes));
        await Counter(office, "p2").PauseAsync();
        Assert.Equal(1, (await line.GetSummaryAsync()).OpenCounters);
    }

    [Fact]
    public async Task A_transfer_cut_short_by_a_crash_is_finished_by_the_counter()
    {
        var office = await NewOfficeAsync();
        var counter = Counter(office, "c1");
        await counter.OpenAsync(null);
        var ticket = await IssueAsync(office, "a");
        await counter.CallNextAsync();
        var source = Grains.GetGrain<ITicketLineGrain>(new TicketLineKey(office.Id, "a", Today).ToGrainKey());
        var target = Grains.GetGrain<ITicketLineGrain>(new TicketLineKey(office.Id, "b", Today).ToGrainKey());
        await source.MoveOutAsync(ticket.TicketId, "b", "c1"); // the source wrote; the target never heard
        Assert.Null((await target.GetAsync(ticket.TicketId)).Ticket);

        Assert.Null(await counter.CallNextAsync()); // nothing else waits in "a"; the counter lets go and finishes the move
        var moved = (await target.GetAsync(ticket.TicketId)).Ticket;
        Assert.Equal((ticket.Number, TicketStatus.Waiting), (moved!.Number, moved.Status));
    }

    [Fact]
    public async Task A_day_that_starts_at_23_59_50_in_Tokyo_crosses_midnight_into_a_new_day_with_its_own_numbers()
    {
        // 23:59:50 Japan time, whatever the machine's zone and time of day (the clock only moves forward).
        var now = Tokyo.ToLocal(fixture.Time.GetUtcNow());
        var lateEvening = new DateTimeOffset(now.Date.AddDays(1).AddSeconds(-10), TimeSpan.FromHours(9));
        fixture.Time.SetUtcNow(lateEvening > now ? lateEvening : lateEvening.AddDays(1));
        var office = await NewOfficeAsync();
        var counter = Counter(office, "c1");
        await counter.OpenAsync(null);
        var yesterday = Today;
        var first = await IssueAsync(office, "a");
        var second = await IssueAsync(office, "a");
        Assert.Equal(("A-001", "A-002"), (first.Number, second.Number));
        Assert.Equal("A-001", (await counter.CallNextAsync())!.Number);
        var yesterdaysLine = Grains.GetGrain<ITicketLineGrain>(new TicketLineKey(office.Id, "a", yesterday).ToGrainKey());

        fixture.Time.Advance(TimeSpan.FromSeconds(15)); // 00:00:05 the next day
        Assert.Equal(yesterday.AddDays(1), Today);

        // The business day is over: the counter shows closed with nothing in hand, and yesterday's line takes no more tickets.
        var view = await counter.GetAsync();
        Assert.Equal(CounterQueue.Domain.Counters.CounterStatus.Closed, view.State);
        Assert.Null(view.Serving);
        var late = await Assert.ThrowsAsync<QueueProblemException>(() =>
            yesterdaysLine.IssueAsync(new IssueTicket(TicketId.New(new TicketLineKey(office.Id, "a", yesterday)), Priority.Normal, "ja")));
        Assert.Equal("line-closed", late.Code);

        // Today's numbers start again at 001, in today's line, and a counter opened today calls them, not yesterday's.
        var today = await IssueAsync(office, "a");
        Assert.Equal("A-001", today.Number);
        Assert.Equal(Today, TicketId.IssuingLine(today.TicketId)!.Value.Day);
        Assert.Equal(0, today.Position);
        await counter.OpenAsync(null);
        var called = await counter.CallNextAsync();
        Assert.Equal(today.TicketId, called!.TicketId);
        await counter.CompleteAsync();
        Assert.Null(await counter.CallNextAsync());

        // Yesterday's tickets are still there to be read, as they were left.
        Assert.Equal(TicketStatus.Waiting, (await yesterdaysLine.GetAsync(second.TicketId)).Ticket!.Status);
    }
}

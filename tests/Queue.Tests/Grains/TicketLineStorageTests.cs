using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Tickets;
using CounterQueue.Silo;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Storage;
using CounterQueue.Silo.Tickets;
using CounterQueue.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace CounterQueue.Tests.Grains;

/// <summary>How a ticket line is stored: a header plus one record per ticket, read back whole.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TicketLineStorageTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private IGrainStorage Storage =>
        Assert.IsType<InProcessSiloHandle>(fixture.Cluster.Primary).SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Queue);

    private async Task<(TicketLineKey A, TicketLineKey B)> NewOfficeAsync()
    {
        var office = TestOffices.Create();
        await Grains.GetGrain<IOfficeGrain>(office.Id).DefineAsync(office, onlyIfNew: true);
        var today = Tokyo.DateOf(fixture.Time.GetUtcNow());
        return (new TicketLineKey(office.Id, "a", today), new TicketLineKey(office.Id, "b", today));
    }

    private ITicketLineGrain Line(TicketLineKey key) => Grains.GetGrain<ITicketLineGrain>(key.ToGrainKey());

    /// <summary>What a fresh activation would read: straight from the store.</summary>
    private async Task<TicketLineState> StoredAsync(TicketLineKey key) =>
        (await new TicketLineStore(Assert.IsAssignableFrom<IRecordSetStorage>(Storage), Line(key).GetGrainId()).ReadAsync()).State;

    [Fact]
    public async Task Every_ticket_is_stored_as_its_own_record_and_reads_back_in_the_order_it_joined()
    {
        var (a, _) = await NewOfficeAsync();
        var issued = new List<TicketView>();
        for (var i = 0; i < 5; i++) issued.Add(await Line(a).IssueAsync(new IssueTicket(TicketId.New(a), Priority.Normal, "ja")));
        await Line(a).CancelAsync(issued[2].TicketId);

        var stored = await StoredAsync(a);
        Assert.Equal(5, stored.LastNumber);
        Assert.Equal(issued.Select(t => t.TicketId), stored.Tickets.Select(t => t.Id));
        Assert.Equal(TicketStatus.Cancelled, stored.Tickets[2].Status);
        var records = await Assert.IsAssignableFrom<IRecordSetStorage>(Storage).ReadRecordSetAsync(TicketLineStore.StateName, Line(a).GetGrainId());
        Assert.Equal(5, records.Records.Count);
        Assert.DoesNotContain("tickets", System.Text.Encoding.UTF8.GetString(records.Header!)); // the header holds no tickets
    }

    [Fact]
    public async Task A_ticket_that_leaves_a_line_and_comes_back_reads_back_once_as_it_is_now()
    {
        var (a, b) = await NewOfficeAsync();
        var ticket = await Line(a).IssueAsync(new IssueTicket(TicketId.New(a), Priority.Normal, "ja"));
        await Line(b).AcceptAsync(await Line(a).MoveOutAsync(ticket.TicketId, "b", null)); // redirected to b…
        await Line(a).AcceptAsync(await Line(b).MoveOutAsync(ticket.TicketId, "a", null)); // …and back

        var stored = await StoredAsync(a);
        var back = Assert.Single(stored.Tickets);
        Assert.Equal((TicketStatus.Waiting, ticket.Number), (back.Status, back.Number));
        Assert.Equal(TicketStatus.Moved, Assert.Single((await StoredAsync(b)).Tickets).Status);
    }

    [Fact]
    public async Task A_line_stored_the_older_way_is_read_as_it_was_and_moved_to_records_on_its_next_write()
    {
        var (a, _) = await NewOfficeAsync();
        var old = new TicketRecord
        {
            Id = TicketId.New(a), Number = "A-007", ServiceId = "a", IssuedAt = fixture.Time.GetUtcNow(), EffectiveAt = fixture.Time.GetUtcNow(),
            Arrival = 7, Status = TicketStatus.Waiting, WaitingSince = fixture.Time.GetUtcNow(),
        };
        // The former format: the whole line, tickets included, as one grain state.
        await Storage.WriteStateAsync(TicketLineStore.StateName, Line(a).GetGrainId(),
            new GrainState<TicketLineState>(new TicketLineState { LastNumber = 7, LastArrival = 7, Tickets = [old] }));

        Assert.Equal("A-007", (await Line(a).GetAsync(old.Id)).Ticket!.Number);
        var next = await Line(a).IssueAsync(new IssueTicket(TicketId.New(a), Priority.Normal, "ja"));
        Assert.Equal("A-008", next.Number); // numbering goes on, never reusing one
        Assert.Equal(1, next.Position);

        var records = await Assert.IsAssignableFrom<IRecordSetStorage>(Storage).ReadRecordSetAsync(TicketLineStore.StateName, Line(a).GetGrainId());
        Assert.Equal(2, records.Records.Count); // the old ticket moved over with the new one
        Assert.DoesNotContain("A-007", System.Text.Encoding.UTF8.GetString(records.Header!));
        Assert.Equal(["A-007", "A-008"], (await StoredAsync(a)).Tickets.Select(t => t.Number));
    }

    [Fact]
    public async Task A_retried_issue_is_answered_only_once_the_first_attempts_ticket_is_stored()
    {
        var (a, _) = await NewOfficeAsync();
        await Line(a).GetSummaryAsync(); // activated (its office read) before the store's writer is held
        var store = Assert.IsType<InProcessSiloHandle>(fixture.Cluster.Primary).SiloHost!.Services.GetRequiredService<SqliteStore>();
        var command = new IssueTicket(TicketId.New(a), Priority.Normal, "ja");
        Task<TicketView> first, retry;
        using (store.PauseWriter())
        {
            first = Line(a).IssueAsync(command);
            await Poll.UntilAsync(async () => (await Line(a).GetAsync(command.TicketId)).Ticket is not null, TimeSpan.FromSeconds(10),
                "the first attempt's ticket is in the line, its write held");
            // The same request again (a kiosk retrying with the same Idempotency-Key, so the same ticket id) while the first
            // attempt's write has not reached the disk: answering it now would acknowledge a ticket a crash could still lose.
            retry = Line(a).IssueAsync(command);
            await Task.WhenAny(retry, Task.Delay(TimeSpan.FromMilliseconds(500)));
            Assert.False(retry.IsCompleted, "the retry was answered before the ticket was stored");
            Assert.False(first.IsCompleted);
        }
        var (one, two) = (await first, await retry);
        Assert.Equal((command.TicketId, one.Number), (two.TicketId, two.Number));
        Assert.Equal([one.Number], (await StoredAsync(a)).Tickets.Select(t => t.Number));
    }

    [Fact]
    public async Task A_caller_in_the_lines_process_gets_the_answer_at_once_and_waits_for_the_write_itself_one_elsewhere_does_not()
    {
        var (a, _) = await NewOfficeAsync();
        await Line(a).GetSummaryAsync();
        var services = Assert.IsType<InProcessSiloHandle>(fixture.Cluster.Primary).SiloHost!.Services;
        var pending = services.GetRequiredService<PendingWrites>();
        var here = new IssueTicket(TicketId.New(a), Priority.Normal, "ja", CallerHost: pending.HostId);
        var elsewhere = new IssueTicket(TicketId.New(a), Priority.Normal, "ja", CallerHost: Guid.NewGuid()); // another host's caller
        Task<TicketView> fromElsewhere;
        Task stored;
        using (services.GetRequiredService<SqliteStore>().PauseWriter())
        {
            var answered = await Line(a).IssueAsync(here).WaitAsync(TimeSpan.FromSeconds(10)); // answered with the write held
            Assert.Equal("A-001", answered.Number);
            stored = pending.WhenStoredAsync(here.TicketId);
            fromElsewhere = Line(a).IssueAsync(elsewhere);
            await Task.WhenAny(stored, fromElsewhere, Task.Delay(TimeSpan.FromMilliseconds(500)));
            Assert.False(stored.IsCompleted, "the write was reported stored while the store was held");
            Assert.False(fromElsewhere.IsCompleted, "a caller the line cannot hand its write to got an answer before the disk");
        }
        await stored;
        Assert.Equal("A-002", (await fromElsewhere).Number);
        Assert.Equal(["A-001", "A-002"], (await StoredAsync(a)).Tickets.Select(t => t.Number));
        Assert.Equal(0, pending.Count); // asked for, so not kept
    }

    [Fact]
    public async Task A_line_leaves_memory_a_few_minutes_after_its_day_is_over()
    {
        var (today, _) = await NewOfficeAsync();
        var yesterday = today with { Day = today.Day.AddDays(-1) };
        await Line(yesterday).GetSummaryAsync(); // looked up after its day (a late ticket): activates it
        await Line(today).GetSummaryAsync();
        var management = Grains.GetGrain<IManagementGrain>(0);
        async Task<bool> ActiveAsync(TicketLineKey key) =>
            (await management.GetDetailedGrainStatistics()).Any(s => s.GrainId == Line(key).GetGrainId());
        Assert.True(await ActiveAsync(yesterday));

        fixture.Time.Advance(TimeSpan.FromMinutes(3)); // past the grace after its day
        await Poll.UntilAsync(async () => !await ActiveAsync(yesterday), TimeSpan.FromSeconds(15), "yesterday's line leaves memory");
        Assert.True(await ActiveAsync(today)); // today's line stays
        Assert.Equal(0, (await Line(yesterday).GetSummaryAsync()).Waiting); // and reads back from the store when asked again
    }
}

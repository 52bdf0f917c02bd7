using CounterQueue.Domain;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.Tickets;

namespace CounterQueue.Tests.Domain;

public sealed class TicketLineTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-24T09:00:00+09:00");

    private static ServiceDefinition Service(string id = "cert", string prefix = "A", params StepDefinition[] steps) => new()
    {
        Id = id,
        SectionId = "sec",
        Name = new LocalizedText(id, id),
        TicketPrefix = prefix,
        Steps = steps.Length > 0 ? steps : [new StepDefinition("service", StepKind.Counter)],
        DefaultServiceMinutes = 6,
    };

    private static TicketLine NewLine(ServiceDefinition? service = null) => new(new TicketLineState(), service ?? Service());

    [Fact]
    public void Numbers_are_prefixed_padded_and_sequential()
    {
        var line = NewLine();
        var numbers = Enumerable.Range(1, 3).Select(i => line.Issue($"t{i}", Priority.Normal, null, T0.AddMinutes(i)).Number);
        Assert.Equal(["A-001", "A-002", "A-003"], numbers);
    }

    [Fact]
    public void Numbers_keep_growing_past_999() => Assert.Equal("A-1000", TicketNumbering.Format("A", 1000));

    [Fact]
    public void Issuing_the_same_ticket_id_again_returns_the_first_ticket()
    {
        var line = NewLine();
        var first = line.Issue("t1", Priority.Normal, null, T0);
        var again = line.Issue("t1", Priority.Normal, null, T0.AddMinutes(1));
        Assert.Same(first, again);
        Assert.Equal(1, line.WaitingCount);
    }

    [Fact]
    public void A_cancelled_number_is_never_handed_out_again()
    {
        var line = NewLine();
        line.Issue("t1", Priority.Normal, null, T0);
        line.Cancel("t1", T0);
        Assert.Equal("A-002", line.Issue("t2", Priority.Normal, null, T0).Number);
    }

    [Fact]
    public void Take_calls_the_oldest_waiting_ticket_of_the_class()
    {
        var line = NewLine();
        line.Issue("t1", Priority.Normal, null, T0);
        line.Issue("t2", Priority.Normal, null, T0.AddMinutes(1));
        var called = line.Take(null, Priority.Normal, "c1", T0.AddMinutes(2));
        Assert.Equal("t1", called!.Id);
        Assert.Equal(TicketStatus.Called, called.Status);
        Assert.Equal("c1", called.CounterId);
    }

    [Fact]
    public void Take_falls_back_when_the_preferred_ticket_was_taken()
    {
        var line = NewLine();
        line.Issue("t1", Priority.Normal, null, T0);
        line.Issue("t2", Priority.Normal, null, T0.AddMinutes(1));
        line.Take("t1", Priority.Normal, "c1", T0.AddMinutes(2));
        Assert.Equal("t2", line.Take("t1", Priority.Normal, "c2", T0.AddMinutes(2))!.Id);
        Assert.Null(line.Take(null, Priority.Normal, "c3", T0.AddMinutes(2)));
    }

    [Fact]
    public void Position_counts_assisted_tickets_ahead_of_normal_ones()
    {
        var line = NewLine();
        var n1 = line.Issue("n1", Priority.Normal, null, T0);
        var n2 = line.Issue("n2", Priority.Normal, null, T0.AddMinutes(1));
        var a1 = line.Issue("a1", Priority.Assisted, null, T0.AddMinutes(2));
        Assert.Equal(0, line.Position(a1));
        Assert.Equal(1, line.Position(n1));
        Assert.Equal(2, line.Position(n2));
    }

    /// <summary>The line keeps its first and last waiting ticket at hand: they must follow calls and cancellations at either end.</summary>
    [Fact]
    public void Positions_and_calls_follow_the_first_and_last_leaving_the_line()
    {
        var line = NewLine();
        var tickets = Enumerable.Range(1, 5).Select(i => line.Issue($"t{i}", Priority.Normal, null, T0.AddMinutes(i))).ToList();
        Assert.Equal("t1", line.Take(null, Priority.Normal, "c1", T0.AddMinutes(10))!.Id); // the first leaves
        line.Cancel("t5", T0.AddMinutes(11)); // and the last
        Assert.Equal([0, 1, 2], tickets.Skip(1).Take(3).Select(line.Position));
        var late = line.Issue("t6", Priority.Normal, null, T0.AddMinutes(12));
        Assert.Equal(3, line.Position(late));
        line.Cancel("t6", T0.AddMinutes(13));
        line.Cancel("t4", T0.AddMinutes(13)); // the last twice over: t3 is last now
        Assert.Equal(1, line.Position(tickets[2]));
        Assert.Equal("t2", line.Take(null, Priority.Normal, "c2", T0.AddMinutes(14))!.Id);
        Assert.Equal(0, line.Position(tickets[2]));
        Assert.Equal("t3", line.Take(null, Priority.Normal, "c3", T0.AddMinutes(15))!.Id);
        Assert.Null(line.Take(null, Priority.Normal, "c4", T0.AddMinutes(16))); // empty, then a newcomer is first and last
        var again = line.Issue("t7", Priority.Normal, null, T0.AddMinutes(17));
        Assert.Equal(0, line.Position(again));
        Assert.Equal("t7", line.Take(null, Priority.Normal, "c4", T0.AddMinutes(18))!.Id);
    }

    [Fact]
    public void A_transferred_ticket_keeps_its_number_and_its_place()
    {
        var from = NewLine(Service("a", "A"));
        var to = NewLine(Service("b", "B"));
        var moving = from.Issue("x", Priority.Normal, null, T0);
        to.Issue("b1", Priority.Normal, null, T0.AddMinutes(5));
        from.Take(null, Priority.Normal, "c1", T0.AddMinutes(10));

        var copy = from.MoveOut("x", "b", "c1", T0);
        var arrived = to.Accept(copy, T0.AddMinutes(11));

        Assert.Equal("A-001", arrived.Number);
        Assert.Equal(T0, arrived.EffectiveAt);
        Assert.Equal(TicketStatus.Waiting, arrived.Status);
        Assert.Equal(0, to.Position(arrived)); // ahead of B-001, issued later
        Assert.Equal(TicketStatus.Moved, from.Find("x")!.Status);
        Assert.Equal("b", from.Find("x")!.MovedToServiceId);
    }

    [Fact]
    public void Accepting_the_same_ticket_twice_changes_nothing()
    {
        var from = NewLine(Service("a", "A"));
        var to = NewLine(Service("b", "B"));
        from.Issue("x", Priority.Normal, null, T0);
        var copy = from.MoveOut("x", "b", null, T0);
        var first = to.Accept(copy, T0);
        Assert.Same(first, to.Accept(copy, T0.AddMinutes(1)));
        Assert.Equal(1, to.WaitingCount);
    }

    [Fact]
    public void Only_a_waiting_ticket_can_be_redirected()
    {
        var line = NewLine();
        line.Issue("x", Priority.Normal, null, T0);
        line.Take(null, Priority.Normal, "c1", T0);
        var e = Assert.Throws<QueueRuleException>(() => line.MoveOut("x", "other", counterId: null, T0));
        Assert.Equal(QueueErrorKind.Conflict, e.Kind);
    }

    [Fact]
    public void A_multi_step_ticket_waits_again_with_its_number_after_each_counter_step()
    {
        var line = NewLine(Service("moving", "C",
            new StepDefinition("reception", StepKind.Counter),
            new StepDefinition("processing", StepKind.Processing),
            new StepDefinition("pickup", StepKind.Counter)));
        line.Issue("x", Priority.Normal, null, T0);
        line.Take(null, Priority.Normal, "c11", T0, ["reception"]);
        var processing = line.Complete("x", "c11", T0.AddMinutes(5));
        Assert.Equal((TicketStatus.Waiting, "processing"), (processing.Status, line.StepId(processing)));
        Assert.Null(line.Take(null, Priority.Normal, "c14", T0, ["pickup"])); // not callable while processing

        var ready = line.Ready("x", T0.AddMinutes(20));
        Assert.Equal("pickup", line.StepId(ready));
        Assert.Null(line.Take(null, Priority.Normal, "c11", T0, ["reception"])); // a reception counter does not call pick-ups
        var pickup = line.Take(null, Priority.Normal, "c14", T0.AddMinutes(21), ["pickup"]);
        Assert.Equal("C-001", pickup!.Number);
        Assert.Equal(TicketStatus.Done, line.Complete("x", "c14", T0.AddMinutes(23)).Status);
    }

    [Fact]
    public void Counter_actions_only_apply_to_the_ticket_at_that_counter()
    {
        var line = NewLine();
        line.Issue("x", Priority.Normal, null, T0);
        line.Take(null, Priority.Normal, "c1", T0);
        Assert.Throws<QueueRuleException>(() => line.Complete("x", "c2", T0));
        line.Start("x", "c1", T0.AddMinutes(1));
        Assert.Throws<QueueRuleException>(() => line.NoShow("x", "c1", T0)); // already at the counter
        Assert.Equal(TicketStatus.Done, line.Complete("x", "c1", T0.AddMinutes(5)).Status);
        Assert.Throws<QueueRuleException>(() => line.Cancel("x", T0)); // finished
    }

    [Fact]
    public void Wait_estimates_use_measured_service_times_once_there_are_enough()
    {
        var line = NewLine(); // default 6 minutes
        line.SetCounterOpen("c1", true);
        for (var i = 0; i < 3; i++)
        {
            line.Issue($"t{i}", Priority.Normal, null, T0);
            line.Take(null, Priority.Normal, "c1", T0);
            line.Start($"t{i}", "c1", T0);
            line.Complete($"t{i}", "c1", T0.AddMinutes(2));
        }
        Assert.Equal(2, line.AverageServiceMinutes, precision: 6);
        var waiting = Enumerable.Range(0, 4).Select(i => line.Issue($"w{i}", Priority.Normal, null, T0.AddMinutes(10 + i))).ToList();
        Assert.Equal(8, line.EstimateWaitMinutes(waiting[3])); // 3 ahead, 2 min each, one counter → (3+1)×2
        line.SetCounterOpen("c2", true);
        Assert.Equal(4, line.EstimateWaitMinutes(waiting[3]));
    }

    [Fact]
    public void A_ticket_served_from_a_later_time_is_not_called_before_it_then_goes_ahead_of_later_walk_ins()
    {
        var line = NewLine();
        var slotStart = T0.AddMinutes(30);
        line.Issue("w1", Priority.Normal, null, T0);                             // a walk-in before the booking
        line.Issue("booked", Priority.Normal, null, T0.AddMinutes(20), slotStart); // checked in 10 minutes early
        Assert.Equal("w1", line.Take(null, Priority.Normal, "c1", T0.AddMinutes(21))!.Id);
        Assert.Null(line.Take(null, Priority.Normal, "c2", T0.AddMinutes(22)));     // the booking waits for its slot
        Assert.Null(line.Take("booked", Priority.Normal, "c2", T0.AddMinutes(22))); // even when asked for by name
        Assert.Equal(1, line.WaitingCount);
        line.Issue("w2", Priority.Normal, null, slotStart.AddMinutes(5));         // a walk-in after the slot started
        Assert.Equal("booked", line.Take(null, Priority.Normal, "c2", slotStart.AddMinutes(6))!.Id);
        Assert.Equal("w2", line.Take(null, Priority.Normal, "c3", slotStart.AddMinutes(6))!.Id);
    }
}

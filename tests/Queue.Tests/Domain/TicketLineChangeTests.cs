using System.Text.Json;
using CounterQueue.Domain;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.Tickets;

namespace CounterQueue.Tests.Domain;

/// <summary>
/// A ticket line reports exactly the tickets each operation changed, because only those are written: a change
/// missed here would be lost on restart, one reported needlessly would cost a write.
/// </summary>
public sealed class TicketLineChangeTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-24T09:00:00+09:00");

    private static readonly ServiceDefinition Moving = new()
    {
        Id = "m", SectionId = "sec", Name = new LocalizedText("転入", "Moving in"), TicketPrefix = "M", DefaultServiceMinutes = 5,
        Steps = [new("reception", StepKind.Counter), new("processing", StepKind.Processing), new("pickup", StepKind.Counter)],
    };

    private static Dictionary<string, string> Snapshot(TicketLine line) =>
        line.Tickets.ToDictionary(t => t.Id, t => JsonSerializer.Serialize(t));

    /// <summary>Runs an operation and checks that the tickets reported changed are exactly those whose stored form changed.</summary>
    private static void Check(TicketLine line, string what, Action operation)
    {
        var before = Snapshot(line);
        operation();
        var after = Snapshot(line);
        var differing = after.Where(t => !before.TryGetValue(t.Key, out var old) || old != t.Value).Select(t => t.Key).Order().ToList();
        var reported = line.TakeChanges().Select(t => t.Id).Order().ToList();
        Assert.True(differing.SequenceEqual(reported), $"{what}: changed [{string.Join(", ", differing)}], reported [{string.Join(", ", reported)}]");
    }

    [Fact]
    public void Every_operation_reports_exactly_the_tickets_it_changed()
    {
        var line = new TicketLine(new TicketLineState(), Moving);
        var now = T0;
        Check(line, "issue", () => line.Issue("a", Priority.Normal, "ja", now));
        Check(line, "issue assisted", () => line.Issue("b", Priority.Assisted, "en", now = now.AddMinutes(1)));
        Check(line, "issue again (a retry)", () => line.Issue("a", Priority.Normal, "ja", now));
        Check(line, "open a counter", () => line.SetCounterOpen("c1", open: true));
        Check(line, "take", () => line.Take(null, Priority.Normal, "c1", now = now.AddMinutes(1)));
        Check(line, "recall", () => line.Recall("a", "c1", now));
        Check(line, "start", () => line.Start("a", "c1", now = now.AddMinutes(1)));
        Check(line, "start again", () => line.Start("a", "c1", now));
        Check(line, "complete to processing", () => line.Complete("a", "c1", now = now.AddMinutes(3)));
        Check(line, "ready for pick-up", () => line.Ready("a", now = now.AddMinutes(10)));
        Check(line, "take for pick-up", () => line.Take("a", Priority.Normal, "c1", now));
        Check(line, "no-show", () => line.NoShow("a", "c1", now = now.AddMinutes(1)));
        Check(line, "move out (redirect)", () => line.MoveOut("b", "other", null, now));
        Check(line, "move out again", () => line.MoveOut("b", "other", null, now));
        Check(line, "come back", () => line.Accept(new TicketRecord
        {
            Id = "b", Number = "M-002", ServiceId = "other", IssuedAt = T0, EffectiveAt = T0, Status = TicketStatus.Waiting,
        }, now = now.AddMinutes(1)));
        Check(line, "cancel", () => line.Cancel("b", now = now.AddMinutes(1)));
        Check(line, "a refused operation", () => Assert.Throws<QueueRuleException>(() => line.Cancel("b", now)));
    }

    [Fact]
    public void Changes_that_failed_to_be_written_are_reported_again()
    {
        var line = new TicketLine(new TicketLineState(), Moving);
        line.Issue("a", Priority.Normal, null, T0);
        var taken = line.TakeChanges();
        Assert.Empty(line.TakeChanges());
        line.ReturnChanges(taken);
        Assert.Equal(["a"], line.TakeChanges().Select(t => t.Id));
    }
}

/// <summary>
/// The line's indexes (waiting tickets by step and class in call order, tickets at counters) answer exactly what a
/// scan of every ticket would, through a long random day of issues, calls, completions, moves and cancellations.
/// </summary>
public sealed class TicketLineIndexTests
{
    private static readonly ServiceDefinition Moving = new()
    {
        Id = "m", SectionId = "sec", Name = new LocalizedText("転入", "Moving in"), TicketPrefix = "M", DefaultServiceMinutes = 5,
        Steps = [new("reception", StepKind.Counter), new("processing", StepKind.Processing), new("pickup", StepKind.Counter)],
    };

    [Theory]
    [InlineData(1, 1500)]
    [InlineData(2, 1500)]
    [InlineData(3, 1500)]
    [InlineData(4, 1500)]
    [InlineData(5, 1500)]
    [InlineData(6, 12_000)] // long enough for a class's list to be taken from the front thousands of times (and compacted)
    public void Heads_counts_positions_and_counters_match_a_full_scan_through_a_random_day(int seed, int steps)
    {
        var random = new Random(seed);
        var state = new TicketLineState();
        var line = new TicketLine(state, Moving);
        var now = DateTimeOffset.Parse("2026-11-24T09:00:00+09:00");
        string[] counters = ["c1", "c2", "c3"];
        var checkEvery = steps > 2000 ? 400 : 25;
        for (var step = 0; step < steps; step++)
        {
            now = now.AddSeconds(random.Next(0, 3)); // ties in time happen
            var counter = counters[random.Next(counters.Length)];
            var inHand = line.AtCounter(counter);
            try
            {
                // In a long day's second half the counters catch up: the line empties from the front, as in an afternoon
                var catchingUp = steps > 2000 && step > steps / 2 && random.Next(3) > 0;
                switch (catchingUp ? (inHand is null ? 3 : 4) : random.Next(9))
                {
                    case 0 or 1 or 2: line.Issue($"t{step}", random.Next(4) == 0 ? Priority.Assisted : Priority.Normal, null, now); break;
                    case 3: if (inHand is null) line.Take(null, random.Next(2) == 0 ? Priority.Assisted : Priority.Normal, counter, now, random.Next(2) == 0 ? ["pickup"] : null); break;
                    case 4: if (inHand is not null) line.Complete(inHand.Id, counter, now); break;
                    case 5: if (inHand is not null) line.NoShow(inHand.Id, counter, now); break;
                    case 6:
                        var processing = state.Tickets.Where(t => t.Status == TicketStatus.Waiting && t.Step == 1).ToList();
                        if (processing.Count > 0) line.Ready(processing[random.Next(processing.Count)].Id, now);
                        break;
                    case 7:
                        var waiting = state.Tickets.Where(t => t.Status == TicketStatus.Waiting).ToList();
                        if (waiting.Count > 0)
                        {
                            var moved = line.MoveOut(waiting[random.Next(waiting.Count)].Id, "other", null, now);
                            if (random.Next(2) == 0) line.Accept(moved, now); // and straight back (a redirect undone)
                        }
                        break;
                    case 8:
                        var cancellable = state.Tickets.Where(t => t.Status is TicketStatus.Waiting or TicketStatus.Called).ToList();
                        if (cancellable.Count > 0) line.Cancel(cancellable[random.Next(cancellable.Count)].Id, now);
                        break;
                }
            }
            catch (QueueRuleException)
            {
                // refused as the rules say; the indexes must still agree
            }
            if (step % checkEvery == 0 || step > steps - 50) AssertIndexesMatchScan(line, state, counters);
        }
    }

    [Fact]
    public void Hundreds_of_tickets_taken_in_with_their_time_land_in_call_order_in_a_long_line()
    {
        // 600 waiting; then 1,200 more, moved in from another line, each keeping a time between two of theirs: the line's
        // chunks of waiting tickets fill in the middle and split
        var now = DateTimeOffset.Parse("2026-11-24T09:00:00+09:00");
        var state = new TicketLineState();
        var line = new TicketLine(state, Moving);
        var other = new TicketLine(new TicketLineState(), Moving with { Id = "o" }); // another service's line
        for (var i = 0; i < 600; i++)
        {
            line.Issue($"a{i:D4}", Priority.Normal, null, now.AddSeconds(3 * i));
            other.Issue($"b{i:D4}x", Priority.Normal, null, now.AddSeconds(3 * i + 1));
            other.Issue($"b{i:D4}y", Priority.Normal, null, now.AddSeconds(3 * i + 2));
        }
        var later = now.AddHours(1);
        var random = new Random(7);
        foreach (var id in Enumerable.Range(0, 600).SelectMany(i => new[] { $"b{i:D4}x", $"b{i:D4}y" }).OrderBy(_ => random.Next()))
            line.Accept(other.MoveOut(id, Moving.Id, null, later), later);
        AssertIndexesMatchScan(line, state, ["c1"]);
        var called = new List<string>();
        while (line.Take(null, Priority.Normal, "c1", later, null) is { } ticket)
        {
            called.Add(ticket.Id);
            line.Complete(ticket.Id, "c1", later);
            if (called.Count % 300 == 0) AssertIndexesMatchScan(line, state, ["c1"]);
        }
        Assert.Equal(Enumerable.Range(0, 600).SelectMany(i => new[] { $"a{i:D4}", $"b{i:D4}x", $"b{i:D4}y" }), called);
    }

    private static void AssertIndexesMatchScan(TicketLine line, TicketLineState state, string[] counters)
    {
        bool Callable(TicketRecord t, string[]? steps) =>
            t.Status == TicketStatus.Waiting && Moving.Steps[t.Step].Kind == StepKind.Counter && (steps is null || steps.Contains(Moving.Steps[t.Step].Id));
        (DateTimeOffset, long) Key(TicketRecord t) => (t.EffectiveAt, t.Arrival);
        foreach (var steps in new[] { null, new[] { "reception" }, new[] { "pickup" } })
        {
            var callable = state.Tickets.Where(t => Callable(t, steps)).ToList();
            var assisted = callable.Where(t => t.Priority == Priority.Assisted).OrderBy(Key).FirstOrDefault();
            var normal = callable.Where(t => t.Priority == Priority.Normal).OrderBy(Key).FirstOrDefault();
            var heads = line.Heads(steps);
            Assert.Same(assisted, heads.Assisted);
            Assert.Same(normal, heads.Normal);
            Assert.Equal(callable.Select(t => t.Id).Order(), line.Callable(steps).Select(t => t.Id).Order());
        }
        Assert.Equal(state.Tickets.Count(t => Callable(t, null)), line.WaitingCount);
        foreach (var ticket in state.Tickets.Where(t => Callable(t, null)))
        {
            var expected = state.Tickets.Count(t => t.Status == TicketStatus.Waiting && t.Step == ticket.Step && !ReferenceEquals(t, ticket)
                && (t.Priority > ticket.Priority || t.Priority == ticket.Priority && Key(t).CompareTo(Key(ticket)) < 0));
            Assert.Equal(expected, line.Position(ticket));
        }
        foreach (var counter in counters)
            Assert.Same(state.Tickets.SingleOrDefault(t => t.CounterId == counter && t.Status is TicketStatus.Called or TicketStatus.Serving), line.AtCounter(counter));
        Assert.Equal(state.Tickets.Where(t => t.Status == TicketStatus.Waiting && t.ReadyAt is not null).Select(t => t.Id).Order(),
            line.ReadyForPickup().Select(t => t.Id).Order());
    }
}

using CounterQueue.Domain.Counters;
using CounterQueue.Domain.Tickets;

namespace CounterQueue.Tests.Domain;

public sealed class CallPolicyTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-24T09:00:00+09:00");
    private static readonly FairnessOptions Default = new() { MaxConsecutiveAssisted = 3 };

    private static CallCandidate C(string id, Priority p, int minute, string service = "s", long arrival = 0) =>
        new(service, id, p, T0.AddMinutes(minute), arrival);

    [Fact]
    public void CallNext_gives_assisted_ticket_before_older_normal_one()
    {
        var choice = CallPolicy.Choose([C("normal", Priority.Normal, 0), C("assisted", Priority.Assisted, 5)], 0, Default);
        Assert.Equal("assisted", choice!.Candidate.TicketId);
        Assert.Equal(1, choice.PriorityStreak);
    }

    [Fact]
    public void Takes_the_earliest_ticket_across_services()
    {
        var choice = CallPolicy.Choose([C("b", Priority.Normal, 3, "b"), C("a", Priority.Normal, 1, "a")], 0, Default);
        Assert.Equal("a", choice!.Candidate.TicketId);
    }

    [Fact]
    public void After_the_maximum_assisted_calls_in_a_row_the_oldest_normal_ticket_goes_next()
    {
        var candidates = new[] { C("normal", Priority.Normal, 0), C("assisted", Priority.Assisted, 5) };
        var choice = CallPolicy.Choose(candidates, priorityStreak: 3, Default);
        Assert.Equal("normal", choice!.Candidate.TicketId);
        Assert.Equal(0, choice.PriorityStreak);
    }

    [Fact]
    public void Assisted_calls_do_not_count_against_fairness_when_no_normal_ticket_waits()
    {
        var choice = CallPolicy.Choose([C("assisted", Priority.Assisted, 5)], priorityStreak: 3, Default);
        Assert.Equal("assisted", choice!.Candidate.TicketId);
        Assert.Equal(0, choice.PriorityStreak);
    }

    [Fact]
    public void An_older_assisted_ticket_overtakes_nobody()
    {
        var choice = CallPolicy.Choose([C("assisted", Priority.Assisted, 0), C("normal", Priority.Normal, 5)], 2, Default);
        Assert.Equal("assisted", choice!.Candidate.TicketId);
        Assert.Equal(0, choice.PriorityStreak);
    }

    [Fact]
    public void Zero_turns_priority_off()
    {
        var choice = CallPolicy.Choose([C("normal", Priority.Normal, 0), C("assisted", Priority.Assisted, 5)], 0,
            new FairnessOptions { MaxConsecutiveAssisted = 0 });
        Assert.Equal("normal", choice!.Candidate.TicketId);
    }

    [Fact]
    public void Nothing_waiting_gives_no_choice() => Assert.Null(CallPolicy.Choose([], 0, Default));

    [Fact]
    public void With_a_steady_stream_of_assisted_tickets_normal_ones_are_still_served()
    {
        // 10 normal tickets wait; an assisted ticket keeps arriving. With at most 3 in a row,
        // every 4th call goes to the oldest normal ticket.
        var normals = Enumerable.Range(0, 10).Select(i => C($"n{i}", Priority.Normal, i)).ToList();
        var streak = 0;
        var served = new List<string>();
        for (var call = 0; call < 40 && normals.Count > 0; call++)
        {
            var assisted = C($"a{call}", Priority.Assisted, 100 + call);
            var choice = CallPolicy.Choose([.. normals, assisted], streak, Default)!;
            streak = choice.PriorityStreak;
            served.Add(choice.Candidate.TicketId);
            normals.RemoveAll(n => n.TicketId == choice.Candidate.TicketId);
        }
        Assert.Empty(normals);
        Assert.Equal(40, served.Count);
        Assert.Equal(["n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9"], served.Where(s => s.StartsWith('n')));
        Assert.All(served.Chunk(4), chunk => Assert.Single(chunk, s => s.StartsWith('n')));
    }
}

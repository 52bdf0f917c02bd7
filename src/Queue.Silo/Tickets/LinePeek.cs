
namespace CounterQueue.Silo.Tickets;

/// <summary>What a counter sees in one line when it calls: the heads to choose from, and any ticket
/// the line still has at this counter (so a counter that crashed mid-call picks it up again).</summary>
[GenerateSerializer, Immutable, Alias("cq.peek")]
public sealed record LinePeek(
    [property: Id(0)] IReadOnlyList<Domain.Counters.CallCandidate> Candidates,
    [property: Id(1)] TicketView? InHand);

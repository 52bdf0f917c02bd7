namespace CounterQueue.Silo.Tickets;

/// <summary>
/// A ticket on the processing desk: <c>processing</c> (審査中), <c>ready</c> (交付待ち, on the pick-up board) or
/// <c>uncollected</c> (未交付), since when it has been so, and whether the display showed it again.
/// </summary>
[GenerateSerializer, Immutable, Alias("cq.deskTicket")]
public sealed record DeskTicket(
    [property: Id(0)] TicketView Ticket,
    [property: Id(1)] string Stage,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] bool Recalled);

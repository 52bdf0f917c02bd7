using CounterQueue.Domain.Counters;
using CounterQueue.Domain.Tickets;
using CounterQueue.Silo.Lobby;
using Orleans.Concurrency;

namespace CounterQueue.Silo.Tickets;

/// <summary>
/// One service's line (ticket stream) for one business day, keyed by <see cref="TicketLineKey"/>.
/// It numbers tickets, holds who waits, and answers where a ticket stands. The rules are in
/// <see cref="TicketLine"/>; this grain loads, calls them, persists and reports.
/// </summary>
public interface ITicketLineGrain : IGrainWithStringKey
{
    Task<TicketView> IssueAsync(IssueTicket command);
    [ReadOnly] Task<TicketLookup> GetAsync(string ticketId);
    [ReadOnly] Task<LineSummary> GetSummaryAsync();
    [ReadOnly] Task<IReadOnlyList<TicketView>> ListWaitingAsync();
    /// <summary>The numbers waiting to be picked up (the pick-up board), as the lobby sees them: no ticket ids.</summary>
    [ReadOnly] Task<IReadOnlyList<PickupReady>> ListReadyForPickupAsync();
    /// <summary>The processing desk (受付 → 審査 → 交付): tickets being processed, ready for pick-up, and uncollected.</summary>
    [ReadOnly] Task<IReadOnlyList<DeskTicket>> ListDeskAsync();
    [ReadOnly] Task<LinePeek> PeekAsync(string counterId, IReadOnlyList<string>? steps);
    Task<TicketView?> TakeAsync(string counterId, string? preferredTicketId, Priority preferredClass, IReadOnlyList<string>? steps);
    Task<TicketView> RecallAsync(string ticketId, string counterId);
    Task<TicketView> StartAsync(string ticketId, string counterId);
    Task<TicketView> CompleteAsync(string ticketId, string counterId);
    Task<TicketView> NoShowAsync(string ticketId, string counterId);
    Task<TicketView> CancelAsync(string ticketId);
    Task<TicketView> ReadyAsync(string ticketId);
    /// <summary>Hands a ticket over to another line (回付 from a counter, or a guide's redirect).</summary>
    Task<TicketRecord> MoveOutAsync(string ticketId, string toServiceId, string? counterId);
    /// <summary>Takes in a ticket handed over from another line; idempotent.</summary>
    Task<TicketView> AcceptAsync(TicketRecord ticket);
    Task SetCounterOpenAsync(string counterId, bool open);
    /// <summary>The service's section moved: re-read the office and tell followers and displays the new floor.</summary>
    Task RelocatedAsync();
    /// <summary>A temporary service's session starts or ends (臨時窓口); returns the line's summary after it.</summary>
    Task<LineSummary> SetSessionOpenAsync(bool open);
}

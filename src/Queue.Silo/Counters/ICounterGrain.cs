using CounterQueue.Domain.Counters;
using CounterQueue.Silo.Tickets;
using Orleans.Concurrency;

namespace CounterQueue.Silo.Counters;

/// <summary>A counter (窓口): its state, the services it serves, and the ticket in hand.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    [ReadOnly] Task<CounterView> GetAsync();
    Task<CounterView> OpenAsync(IReadOnlyList<string>? serviceIds);
    Task<CounterView> PauseAsync();
    Task<CounterView> CloseAsync();
    /// <summary>Calls the next ticket; null when nobody waits for the counter's services.</summary>
    Task<TicketView?> CallNextAsync();
    Task<TicketView> RecallAsync();
    Task<TicketView> StartAsync();
    Task<TicketView> CompleteAsync();
    Task<TicketView> NoShowAsync();
    /// <summary>回付: the ticket in hand goes to another service keeping its number and place.</summary>
    Task<TicketView> TransferAsync(string toServiceId);
    /// <summary>The office changed (a section moved): re-read it and tell the displays of both floors.</summary>
    Task ReloadAsync(string? previousFloor);
}

using System.Collections.Concurrent;

namespace CounterQueue.Silo.Tickets;

/// <summary>
/// References to the ticket lines' grains, made once per line and reused. Making a grain reference resolves the grain
/// interface's type from its attributes on every call (about 2.7 % of the CPU of a ticket under load in issue #9's
/// profile); a reference is immutable and valid for as long as the silo runs. One per grain factory (a test process may
/// host several silos), holding at most <see cref="MaxKept"/> lines (a city's wards have a few hundred a day).
/// </summary>
public sealed class TicketLineGrains(IGrainFactory grains)
{
    private const int MaxKept = 4096;
    private readonly ConcurrentDictionary<TicketLineKey, ITicketLineGrain> _lines = new();

    public ITicketLineGrain Get(TicketLineKey key)
    {
        if (_lines.TryGetValue(key, out var line)) return line;
        if (_lines.Count >= MaxKept) _lines.Clear(); // yesterday's lines, mostly: made again on their next use
        return _lines[key] = grains.GetGrain<ITicketLineGrain>(key.ToGrainKey());
    }
}

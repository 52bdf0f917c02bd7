using CounterQueue.Domain.Calendar;

namespace CounterQueue.Silo.Bookings;

public sealed class ContactRetentionState
{
    /// <summary>"serviceId/yyyy-MM-dd" of every day with contact details not yet forgotten.</summary>
    public SortedSet<string> Days { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Thin: remembers which booking days hold contact details and has them forgotten once their retention is over.</summary>
public sealed class ContactRetentionGrain(
    [PersistentState("contactRetention", StorageNames.Queue)] IPersistentState<ContactRetentionState> state) : Grain, IContactRetentionGrain
{
    public async Task RememberAsync(string serviceId, DateOnly day)
    {
        if (state.State.Days.Add(Entry(serviceId, day))) await state.WriteStateAsync();
    }

    public async Task<int> ForgetBeforeAsync(DateTimeOffset before)
    {
        var officeId = this.GetPrimaryKeyString();
        var due = state.State.Days.Select(Parse).Where(d => d.Day <= Tokyo.DateOf(before)).ToList();
        if (due.Count == 0) return 0;
        var results = await Task.WhenAll(due.Select(d =>
            GrainFactory.GetGrain<IBookingDayGrain>(new BookingDayKey(officeId, d.ServiceId, d.Day).ToGrainKey()).ForgetContactsAsync(before)));
        // A day whose later slots are not yet due stays in the register for a later run.
        var done = due.Zip(results).Where(x => x.Second.Left == 0).Select(x => Entry(x.First.ServiceId, x.First.Day)).ToList();
        if (done.Count > 0)
        {
            foreach (var entry in done) state.State.Days.Remove(entry);
            await state.WriteStateAsync();
        }
        return results.Sum(r => r.Forgotten);
    }

    private static string Entry(string serviceId, DateOnly day) => $"{serviceId}/{day:yyyy-MM-dd}";

    private static (string ServiceId, DateOnly Day) Parse(string entry)
    {
        var slash = entry.LastIndexOf('/');
        return (entry[..slash], DateOnly.ParseExact(entry[(slash + 1)..], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }
}

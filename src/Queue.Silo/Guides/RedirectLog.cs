namespace CounterQueue.Silo.Guides;

/// <summary>One redirect by a floor guide: which ticket, from where to where, who and when (案内係の誘導記録).</summary>
[GenerateSerializer, Immutable, Alias("cq.redirect")]
public sealed record RedirectEntry(
    [property: Id(0)] string TicketId,
    [property: Id(1)] string Number,
    [property: Id(2)] string FromServiceId,
    [property: Id(3)] string ToServiceId,
    [property: Id(4)] string By,
    [property: Id(5)] DateTimeOffset At);

public sealed class RedirectLogState
{
    public List<RedirectEntry> Entries { get; set; } = [];
}

/// <summary>An office's redirects of one day (key "office/yyyyMMdd"), so the record of one day never grows with the others.</summary>
public interface IRedirectLogGrain : IGrainWithStringKey
{
    Task AddAsync(RedirectEntry entry);
    [Orleans.Concurrency.ReadOnly] Task<IReadOnlyList<RedirectEntry>> ListAsync();
}

public sealed class RedirectLogGrain(
    [PersistentState("redirectLog", StorageNames.Queue)] IPersistentState<RedirectLogState> state) : Grain, IRedirectLogGrain
{
    public async Task AddAsync(RedirectEntry entry)
    {
        state.State.Entries.Add(entry);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Entries.Remove(entry);
            DeactivateOnIdle();
            throw;
        }
    }

    public Task<IReadOnlyList<RedirectEntry>> ListAsync() => Task.FromResult<IReadOnlyList<RedirectEntry>>(state.State.Entries.ToList());

    public static string Key(string officeId, DateOnly day) => $"{officeId}/{day:yyyyMMdd}";
}

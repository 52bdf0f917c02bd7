using CounterQueue.Domain;

namespace CounterQueue.Silo.Offices;

/// <summary>The list of offices; a handful, so one small grain.</summary>
public sealed class OfficeRegistryGrain(
    [PersistentState("officeRegistry", StorageNames.Queue)] IPersistentState<OfficeRegistryState> registry)
    : Grain, IOfficeRegistryGrain
{
    private const int MaxOffices = 1000;

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(registry.State.OfficeIds.ToArray());

    public async Task AddAsync(string officeId)
    {
        if (registry.State.OfficeIds.Contains(officeId)) return;
        if (registry.State.OfficeIds.Count >= MaxOffices)
            throw QueueRuleException.Conflict(ProblemCodes.TooManyOffices, $"At most {MaxOffices} offices.");
        registry.State.OfficeIds.Add(officeId);
        await registry.WriteStateAsync();
    }
}

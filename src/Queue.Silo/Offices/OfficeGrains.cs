using CounterQueue.Domain;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.TemporaryCounters;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace CounterQueue.Silo.Offices;

/// <summary>An office's definition: sections, services, counters, hours. Keyed by office id.</summary>
public interface IOfficeGrain : IGrainWithStringKey
{
    [ReadOnly] Task<OfficeDefinition?> GetAsync();

    /// <summary>Stores a (validated) definition. With <paramref name="onlyIfNew"/>, an existing one is kept.</summary>
    Task<bool> DefineAsync(OfficeDefinition definition, bool onlyIfNew);

    /// <summary>
    /// Adds a temporary procedure's service and counter (臨時窓口) to the definition as it is now, here in the
    /// grain, so nothing another writer stored meanwhile is lost. Returns the definition after it.
    /// </summary>
    Task<OfficeDefinition> AddTemporaryCounterAsync(TemporaryProcedure procedure, LocalizedText? label);
}

/// <summary>The list of offices (a handful; read when listing them). Single key <see cref="Key"/>.</summary>
public interface IOfficeRegistryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [ReadOnly] Task<IReadOnlyList<string>> ListAsync();
    Task AddAsync(string officeId);
}

public sealed class OfficeState
{
    public OfficeDefinition? Definition { get; set; }
}

public sealed class OfficeRegistryState
{
    public List<string> OfficeIds { get; set; } = [];
}

[Reentrant]
public sealed class OfficeGrain(
    [PersistentState("office", StorageNames.Queue)] IPersistentState<OfficeState> office,
    ILogger<OfficeGrain> logger) : Grain, IOfficeGrain
{
    public Task<OfficeDefinition?> GetAsync() => Task.FromResult(office.State.Definition);

    public async Task<bool> DefineAsync(OfficeDefinition definition, bool onlyIfNew)
    {
        if (definition.Id != this.GetPrimaryKeyString())
            throw QueueRuleException.Invalid("office-id-mismatch", "The definition's id does not match the office.");
        var errors = OfficeDefinitionValidator.Validate(definition);
        if (errors.Count > 0)
            throw QueueRuleException.Invalid("invalid-office", string.Join(" ", errors));
        if (onlyIfNew && office.State.Definition is not null) return false;
        office.State.Definition = definition;
        await office.WriteStateAsync();
        await GrainFactory.GetGrain<IOfficeRegistryGrain>(IOfficeRegistryGrain.Key).AddAsync(definition.Id);
        logger.LogInformation("Office {OfficeId} defined with {Services} services and {Counters} counters",
            definition.Id, definition.Services.Count, definition.Counters.Count);
        return true;
    }

    public async Task<OfficeDefinition> AddTemporaryCounterAsync(TemporaryProcedure procedure, LocalizedText? label)
    {
        var current = office.State.Definition
                      ?? throw QueueRuleException.NotFound("office-not-found", $"There is no office '{this.GetPrimaryKeyString()}'.");
        var updated = TemporaryCounterRules.WithTemporaryCounter(current, procedure, label);
        if (ReferenceEquals(updated, current)) return current;
        office.State.Definition = updated;
        await office.WriteStateAsync();
        logger.LogInformation("Office {OfficeId}: temporary counter for {ProcedureId} added", current.Id, procedure.Id);
        return updated;
    }
}

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
            throw QueueRuleException.Conflict("too-many-offices", $"At most {MaxOffices} offices.");
        registry.State.OfficeIds.Add(officeId);
        await registry.WriteStateAsync();
    }
}

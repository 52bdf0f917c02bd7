using System.Collections.Concurrent;
using CounterQueue.Domain;
using CounterQueue.Domain.Offices;

namespace CounterQueue.Silo.Offices;

/// <summary>
/// Facade over the office grains for the web host: validates ids from requests before any grain
/// is touched (an unknown id must not activate anything) and keeps definitions for a few seconds,
/// so reading an office does not make its grain hot.
/// </summary>
public sealed class OfficeCatalog(IGrainFactory grains, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private static readonly Task<OfficeDefinition?> NoOffice = Task.FromResult<OfficeDefinition?>(null);
    /// <summary>
    /// Each office as finished tasks, handed out as they are: a request reading a cached office allocates nothing (issue #9).
    /// <c>Required</c> is the same office typed as found (null when there is no such office).
    /// </summary>
    private readonly ConcurrentDictionary<string, Cached> _cache = new();

    private sealed record Cached(Task<OfficeDefinition?> Found, Task<OfficeDefinition>? Required, DateTimeOffset At);

    public Task<OfficeDefinition?> FindAsync(string? officeId)
    {
        if (!OfficeDefinitionValidator.IsValidId(officeId)) return NoOffice;
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(officeId!, out var cached) && now - cached.At < CacheFor) return cached.Found;
        return LoadAsync(officeId!, now);
    }

    private async Task<OfficeDefinition?> LoadAsync(string officeId, DateTimeOffset now)
    {
        var office = await grains.GetGrain<IOfficeGrain>(officeId).GetAsync();
        Remember(officeId, office, now);
        return office;
    }

    private void Remember(string officeId, OfficeDefinition? office, DateTimeOffset at) =>
        _cache[officeId] = new Cached(Task.FromResult(office), office is null ? null : Task.FromResult(office), at);

    public Task<OfficeDefinition> RequireAsync(string? officeId)
    {
        if (OfficeDefinitionValidator.IsValidId(officeId) && _cache.TryGetValue(officeId!, out var cached)
            && time.GetUtcNow() - cached.At < CacheFor && cached.Required is { } required)
            return required;
        return RequireSlowAsync(officeId);
    }

    private async Task<OfficeDefinition> RequireSlowAsync(string? officeId) => await FindAsync(officeId)
        ?? throw QueueRuleException.NotFound(ProblemCodes.OfficeNotFound, $"There is no office '{officeId}'.");

    /// <summary>Every office: ward offices (区役所) first, then the branches (支所), each kind by id.</summary>
    public async Task<IReadOnlyList<OfficeDefinition>> ListAsync()
    {
        var ids = await grains.GetGrain<IOfficeRegistryGrain>(IOfficeRegistryGrain.Key).ListAsync();
        var offices = await Task.WhenAll(ids.Select(FindAsync));
        return offices.OfType<OfficeDefinition>()
            .OrderBy(o => o.Kind == OfficeKind.Ward ? 0 : 1).ThenBy(o => o.Id, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<bool> DefineAsync(OfficeDefinition definition, bool onlyIfNew)
    {
        if (!OfficeDefinitionValidator.IsValidId(definition.Id))
            throw QueueRuleException.Invalid(ProblemCodes.InvalidOffice, $"Office id '{definition.Id}' must be 1-40 lowercase letters, digits or '-'.");
        var changed = await grains.GetGrain<IOfficeGrain>(definition.Id).DefineAsync(definition, onlyIfNew);
        _cache.TryRemove(definition.Id, out _);
        return changed;
    }

    /// <summary>Adds a temporary procedure's service and counter to an office (see <see cref="IOfficeGrain.AddTemporaryCounterAsync"/>).</summary>
    public async Task<OfficeDefinition> AddTemporaryCounterAsync(string officeId, Domain.TemporaryCounters.TemporaryProcedure procedure, LocalizedText? label)
    {
        var office = await grains.GetGrain<IOfficeGrain>(officeId).AddTemporaryCounterAsync(procedure, label);
        Remember(officeId, office, time.GetUtcNow());
        return office;
    }

    /// <summary>Adds or changes a relocation (see <see cref="IOfficeGrain.SetRelocationAsync"/>).</summary>
    public async Task<OfficeDefinition> SetRelocationAsync(string officeId, Relocation move)
    {
        var office = await grains.GetGrain<IOfficeGrain>(officeId).SetRelocationAsync(move, time.GetUtcNow());
        Remember(officeId, office, time.GetUtcNow());
        return office;
    }

    /// <summary>Cancels a relocation not yet in effect (see <see cref="IOfficeGrain.RemoveRelocationAsync"/>).</summary>
    public async Task<OfficeDefinition> RemoveRelocationAsync(string officeId, string relocationId)
    {
        var office = await grains.GetGrain<IOfficeGrain>(officeId).RemoveRelocationAsync(relocationId, time.GetUtcNow());
        Remember(officeId, office, time.GetUtcNow());
        return office;
    }

    /// <summary>Sets or stops a service's bookings (see <see cref="IOfficeGrain.SetServiceBookingAsync"/>).</summary>
    public async Task<OfficeDefinition> SetServiceBookingAsync(string officeId, string serviceId, Domain.Bookings.SlotPolicy? policy)
    {
        var office = await grains.GetGrain<IOfficeGrain>(officeId).SetServiceBookingAsync(serviceId, policy);
        Remember(officeId, office, time.GetUtcNow());
        return office;
    }

    /// <summary>Sets or removes a branch's booth (see <see cref="IOfficeGrain.SetRemoteConsultationAsync"/>).</summary>
    public async Task<OfficeDefinition> SetRemoteConsultationAsync(string officeId, RemoteConsultationPolicy? policy)
    {
        var office = await grains.GetGrain<IOfficeGrain>(officeId).SetRemoteConsultationAsync(policy);
        Remember(officeId, office, time.GetUtcNow());
        return office;
    }
}

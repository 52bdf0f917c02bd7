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
    private readonly ConcurrentDictionary<string, (OfficeDefinition? Office, DateTimeOffset At)> _cache = new();

    public async Task<OfficeDefinition?> FindAsync(string? officeId)
    {
        if (!OfficeDefinitionValidator.IsValidId(officeId)) return null;
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(officeId!, out var cached) && now - cached.At < CacheFor) return cached.Office;
        var office = await grains.GetGrain<IOfficeGrain>(officeId!).GetAsync();
        _cache[officeId!] = (office, now);
        return office;
    }

    public async Task<OfficeDefinition> RequireAsync(string? officeId) => await FindAsync(officeId)
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
        _cache[officeId] = (office, time.GetUtcNow());
        return office;
    }

    /// <summary>Adds or changes a relocation (see <see cref="IOfficeGrain.SetRelocationAsync"/>).</summary>
    public async Task<OfficeDefinition> SetRelocationAsync(string officeId, Relocation move)
    {
        var office = await grains.GetGrain<IOfficeGrain>(officeId).SetRelocationAsync(move, time.GetUtcNow());
        _cache[officeId] = (office, time.GetUtcNow());
        return office;
    }

    /// <summary>Cancels a relocation not yet in effect (see <see cref="IOfficeGrain.RemoveRelocationAsync"/>).</summary>
    public async Task<OfficeDefinition> RemoveRelocationAsync(string officeId, string relocationId)
    {
        var office = await grains.GetGrain<IOfficeGrain>(officeId).RemoveRelocationAsync(relocationId, time.GetUtcNow());
        _cache[officeId] = (office, time.GetUtcNow());
        return office;
    }

    /// <summary>Sets or stops a service's bookings (see <see cref="IOfficeGrain.SetServiceBookingAsync"/>).</summary>
    public async Task<OfficeDefinition> SetServiceBookingAsync(string officeId, string serviceId, Domain.Bookings.SlotPolicy? policy)
    {
        var office = await grains.GetGrain<IOfficeGrain>(officeId).SetServiceBookingAsync(serviceId, policy);
        _cache[officeId] = (office, time.GetUtcNow());
        return office;
    }

    /// <summary>Sets or removes a branch's booth (see <see cref="IOfficeGrain.SetRemoteConsultationAsync"/>).</summary>
    public async Task<OfficeDefinition> SetRemoteConsultationAsync(string officeId, RemoteConsultationPolicy? policy)
    {
        var office = await grains.GetGrain<IOfficeGrain>(officeId).SetRemoteConsultationAsync(policy);
        _cache[officeId] = (office, time.GetUtcNow());
        return office;
    }
}

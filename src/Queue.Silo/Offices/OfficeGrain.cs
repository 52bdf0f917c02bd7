using CounterQueue.Domain;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.TemporaryCounters;
using CounterQueue.Silo.Infrastructure;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace CounterQueue.Silo.Offices;

/// <remarks>
/// Reentrant so that reads never wait behind a write; every change runs synchronously between awaits and is
/// persisted through one <see cref="WriteBatcher"/>, so two overlapping changes never race on the ETag and
/// neither is lost.
/// </remarks>
[Reentrant]
public sealed class OfficeGrain(
    [PersistentState("office", StorageNames.Queue)] IPersistentState<OfficeState> office,
    ILogger<OfficeGrain> logger) : Grain, IOfficeGrain
{
    private WriteBatcher? _writer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writer = new WriteBatcher(office.WriteStateAsync, onFailure: DeactivateOnIdle);
        return Task.CompletedTask;
    }

    /// <summary>Persists the state, sharing one durable write with concurrent changes (see <see cref="WriteBatcher"/>).</summary>
    private Task PersistAsync() => _writer!.WriteAsync();

    public Task<OfficeDefinition?> GetAsync() => Task.FromResult(office.State.Definition);

    public async Task<bool> DefineAsync(OfficeDefinition definition, bool onlyIfNew)
    {
        if (definition.Id != this.GetPrimaryKeyString())
            throw QueueRuleException.Invalid(ProblemCodes.OfficeIdMismatch, "The definition's id does not match the office.");
        var errors = OfficeDefinitionValidator.Validate(definition);
        if (errors.Count > 0)
            throw QueueRuleException.Invalid(ProblemCodes.InvalidOffice, string.Join(" ", errors));
        if (onlyIfNew && office.State.Definition is not null) return false;
        office.State.Definition = definition;
        await PersistAsync();
        await GrainFactory.GetGrain<IOfficeRegistryGrain>(IOfficeRegistryGrain.Key).AddAsync(definition.Id);
        logger.LogInformation("Office {OfficeId} defined with {Services} services and {Counters} counters",
            definition.Id, definition.Services.Count, definition.Counters.Count);
        return true;
    }

    public async Task<OfficeDefinition> AddTemporaryCounterAsync(TemporaryProcedure procedure, LocalizedText? label)
    {
        var current = office.State.Definition
                      ?? throw QueueRuleException.NotFound(ProblemCodes.OfficeNotFound, $"There is no office '{this.GetPrimaryKeyString()}'.");
        var updated = TemporaryCounterRules.WithTemporaryCounter(current, procedure, label);
        if (ReferenceEquals(updated, current)) return current;
        office.State.Definition = updated;
        await PersistAsync();
        logger.LogInformation("Office {OfficeId}: temporary counter for {ProcedureId} added", current.Id, procedure.Id);
        return updated;
    }

    public async Task<OfficeDefinition> SetRelocationAsync(Relocation move, DateTimeOffset now)
    {
        var current = Current();
        var existing = current.Relocations.FirstOrDefault(r => r.Id == move.Id);
        if (existing is not null) RequireNotInEffect(existing, now);
        var updated = current with
        {
            Relocations = [.. current.Relocations.Where(r => r.Id != move.Id), move],
        };
        var errors = RelocationRules.Problems(updated, move);
        if (errors.Count > 0) throw QueueRuleException.Invalid(ProblemCodes.Validation, string.Join(" ", errors));
        if (updated.Relocations.Count > 500) throw QueueRuleException.Invalid(ProblemCodes.Validation, "An office can list at most 500 relocations.");
        office.State.Definition = updated;
        await PersistAsync();
        logger.LogInformation("Office {OfficeId}: section {SectionId} moves to {Floor} from {From:O} ({RelocationId})",
            current.Id, move.SectionId, move.ToFloor, move.EffectiveFrom, move.Id);
        return updated;
    }

    public async Task<OfficeDefinition> RemoveRelocationAsync(string relocationId, DateTimeOffset now)
    {
        var current = Current();
        var existing = current.Relocations.FirstOrDefault(r => r.Id == relocationId)
                       ?? throw QueueRuleException.NotFound(ProblemCodes.RelocationNotFound, $"Office '{current.Id}' has no relocation '{relocationId}'.");
        RequireNotInEffect(existing, now);
        var updated = current with { Relocations = current.Relocations.Where(r => r.Id != relocationId).ToList() };
        office.State.Definition = updated;
        await PersistAsync();
        logger.LogInformation("Office {OfficeId}: relocation {RelocationId} cancelled", current.Id, relocationId);
        return updated;
    }

    public async Task<OfficeDefinition> SetServiceBookingAsync(string serviceId, Domain.Bookings.SlotPolicy? policy)
    {
        var current = Current();
        var service = current.RequireService(serviceId);
        var changed = service with { Bookable = policy is not null, Booking = policy };
        return await StoreValidatedAsync(current with { Services = current.Services.Select(s => s.Id == serviceId ? changed : s).ToList() },
            $"service {serviceId} booking {(policy is null ? "stopped" : "set")}");
    }

    public async Task<OfficeDefinition> SetRemoteConsultationAsync(RemoteConsultationPolicy? policy) =>
        await StoreValidatedAsync(Current() with { RemoteConsultation = policy }, $"remote consultation {(policy is null ? "removed" : "set")}");

    /// <summary>Validates a changed definition and stores it (the same rules as <see cref="DefineAsync"/>).</summary>
    private async Task<OfficeDefinition> StoreValidatedAsync(OfficeDefinition updated, string what)
    {
        var errors = OfficeDefinitionValidator.Validate(updated);
        if (errors.Count > 0) throw QueueRuleException.Invalid(ProblemCodes.InvalidOffice, string.Join(" ", errors));
        office.State.Definition = updated;
        await PersistAsync();
        logger.LogInformation("Office {OfficeId}: {What}", updated.Id, what);
        return updated;
    }

    private OfficeDefinition Current() => office.State.Definition
        ?? throw QueueRuleException.NotFound(ProblemCodes.OfficeNotFound, $"There is no office '{this.GetPrimaryKeyString()}'.");

    private static void RequireNotInEffect(Relocation move, DateTimeOffset now)
    {
        if (move.EffectiveFrom <= now)
            throw QueueRuleException.Conflict(ProblemCodes.RelocationInEffect, "This move has already taken effect; record a new move instead.");
    }
}

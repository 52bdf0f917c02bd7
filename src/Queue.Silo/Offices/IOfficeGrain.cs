using CounterQueue.Domain;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.TemporaryCounters;
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

    /// <summary>
    /// Adds a relocation, or changes one not yet in effect at <paramref name="now"/> (移転の登録・変更), here in the grain.
    /// Returns the definition after it.
    /// </summary>
    Task<OfficeDefinition> SetRelocationAsync(Relocation move, DateTimeOffset now);

    /// <summary>
    /// Makes a service bookable with <paramref name="policy"/>, or stops its bookings when null (予約枠), here in the grain
    /// on the definition as it is now. Returns the definition after it.
    /// </summary>
    Task<OfficeDefinition> SetServiceBookingAsync(string serviceId, Domain.Bookings.SlotPolicy? policy);

    /// <summary>Sets a branch's remote consultation booth, or removes it when null, here in the grain. Returns the definition after it.</summary>
    Task<OfficeDefinition> SetRemoteConsultationAsync(RemoteConsultationPolicy? policy);

    /// <summary>Cancels a relocation not yet in effect at <paramref name="now"/>. Returns the definition after it.</summary>
    Task<OfficeDefinition> RemoveRelocationAsync(string relocationId, DateTimeOffset now);
}

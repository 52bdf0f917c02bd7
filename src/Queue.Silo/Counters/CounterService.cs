using CounterQueue.Domain;
using CounterQueue.Domain.Offices;

namespace CounterQueue.Silo.Counters;

/// <summary>Facade over the counter grains for the web host.</summary>
public sealed class CounterService(IGrainFactory grains)
{
    /// <summary>The counter's grain, after checking the office has such a counter.</summary>
    public ICounterGrain Get(OfficeDefinition office, string counterId)
    {
        office.RequireCounter(counterId);
        return grains.GetGrain<ICounterGrain>(new CounterKey(office.Id, counterId).ToGrainKey());
    }

    public async Task<IReadOnlyList<CounterView>> ListAsync(OfficeDefinition office) =>
        await Task.WhenAll(office.Counters.Select(c => Get(office, c.Id).GetAsync()));
}

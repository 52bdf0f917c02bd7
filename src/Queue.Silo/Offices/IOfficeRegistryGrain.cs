using Orleans.Concurrency;

namespace CounterQueue.Silo.Offices;

/// <summary>The list of offices (a handful; read when listing them). Single key <see cref="Key"/>.</summary>
public interface IOfficeRegistryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [ReadOnly] Task<IReadOnlyList<string>> ListAsync();
    Task AddAsync(string officeId);
}

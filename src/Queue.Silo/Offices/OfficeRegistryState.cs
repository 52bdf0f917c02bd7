
namespace CounterQueue.Silo.Offices;

/// <summary>What <see cref="OfficeRegistryGrain"/> keeps: the ids of every office.</summary>
public sealed class OfficeRegistryState
{
    public List<string> OfficeIds { get; set; } = [];
}

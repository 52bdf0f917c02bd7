using CounterQueue.Domain.Offices;

namespace CounterQueue.Silo.Offices;

/// <summary>What <see cref="OfficeGrain"/> keeps: the office's definition.</summary>
public sealed class OfficeState
{
    public OfficeDefinition? Definition { get; set; }
}

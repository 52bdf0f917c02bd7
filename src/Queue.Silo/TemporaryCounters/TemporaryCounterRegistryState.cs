using CounterQueue.Domain.TemporaryCounters;

namespace CounterQueue.Silo.TemporaryCounters;

public sealed class TemporaryCounterRegistryState
{
    public List<TemporaryProcedure> Procedures { get; set; } = [];
    public List<TemporaryCounterSchedule> Schedules { get; set; } = [];
    public bool DemoSeeded { get; set; }
}

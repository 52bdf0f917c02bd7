using CounterQueue.Domain.TemporaryCounters;
using Orleans.Concurrency;

namespace CounterQueue.Silo.TemporaryCounters;

/// <summary>
/// The temporary-counter schedules (臨時窓口) of all offices and the procedures they are for. A season
/// is a few dozen sessions, written by administrators a few times a year: one grain holds them, so a
/// new session is checked against every other session of the same counter at once.
/// </summary>
public interface ITemporaryCounterRegistryGrain : IGrainWithStringKey
{
    public const string Key = "all";
    [ReadOnly] Task<IReadOnlyList<TemporaryProcedure>> GetProceduresAsync();
    Task SetProceduresAsync(IReadOnlyList<TemporaryProcedure> procedures);
    [ReadOnly] Task<IReadOnlyList<TemporaryCounterSchedule>> ListAsync();
    [ReadOnly] Task<TemporaryCounterSchedule?> GetAsync(string scheduleId);
    /// <summary>Adds a schedule after checking its sessions; the same id again returns the stored one.</summary>
    Task<TemporaryCounterSchedule> CreateAsync(TemporaryCounterSchedule schedule);
    /// <summary>Cancels a schedule (kept, marked, until its sessions are long over); returns it, or null if there was none.</summary>
    Task<TemporaryCounterSchedule?> CancelAsync(string scheduleId);
    /// <summary>Adds the demo season once (sessions already over are left out).</summary>
    /// <summary>Deletes schedules past their retention (see the grain); returns how many.</summary>
    Task<int> PruneAsync();
    Task<int> SeedDemoAsync(IReadOnlyList<TemporaryCounterSchedule> schedules);
}

using CounterQueue.Domain;
using CounterQueue.Domain.TemporaryCounters;
using CounterQueue.Silo.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CounterQueue.Silo.TemporaryCounters;

public sealed class TemporaryCounterRegistryGrain(
    [PersistentState("temporaryCounters", StorageNames.Queue)] IPersistentState<TemporaryCounterRegistryState> registry,
    TimeProvider time,
    IOptions<QueueOptions> options,
    ILogger<TemporaryCounterRegistryGrain> logger) : Grain, ITemporaryCounterRegistryGrain
{
    public Task<IReadOnlyList<TemporaryProcedure>> GetProceduresAsync() =>
        Task.FromResult<IReadOnlyList<TemporaryProcedure>>(registry.State.Procedures.ToArray());

    public async Task SetProceduresAsync(IReadOnlyList<TemporaryProcedure> procedures)
    {
        registry.State.Procedures = procedures.ToList();
        await registry.WriteStateAsync();
    }

    public Task<IReadOnlyList<TemporaryCounterSchedule>> ListAsync() =>
        Task.FromResult<IReadOnlyList<TemporaryCounterSchedule>>(registry.State.Schedules.ToArray());

    public Task<TemporaryCounterSchedule?> GetAsync(string scheduleId) =>
        Task.FromResult(registry.State.Schedules.FirstOrDefault(s => s.Id == scheduleId));

    public async Task<TemporaryCounterSchedule> CreateAsync(TemporaryCounterSchedule schedule)
    {
        if (registry.State.Schedules.FirstOrDefault(s => s.Id == schedule.Id) is { } existing) return existing;
        if (registry.State.Procedures.All(p => p.Id != schedule.ProcedureId))
            throw QueueRuleException.NotFound(ProblemCodes.ProcedureNotFound, $"There is no temporary procedure '{schedule.ProcedureId}'.");
        var now = time.GetUtcNow();
        Prune(now);
        // Only what is still planned counts: past seasons never use up the room for new ones.
        var max = options.Value.MaxTemporarySchedules;
        if (registry.State.Schedules.Count(s => !s.Cancelled && s.Sessions.Any(x => x.EndsAt > now)) >= max)
            throw QueueRuleException.Conflict(ProblemCodes.TooManySchedules, $"At most {max} schedules planned at once; cancel some first.");
        var sameCounter = registry.State.Schedules.Where(s => !s.Cancelled && s.OfficeId == schedule.OfficeId && s.ProcedureId == schedule.ProcedureId);
        var sessions = TemporaryCounterRules.ValidateSessions(schedule.Sessions, sameCounter, time.GetUtcNow());
        var stored = schedule with { Sessions = sessions };
        registry.State.Schedules.Add(stored);
        await registry.WriteStateAsync();
        logger.LogInformation("Temporary counter {ScheduleId}: {ProcedureId} at {OfficeId}, {Sessions} sessions",
            stored.Id, stored.ProcedureId, stored.OfficeId, stored.Sessions.Count);
        return stored;
    }

    /// <summary>
    /// Forgets cancelled schedules once their counter no longer needs closing (a day after their last session), and every
    /// schedule <see cref="QueueOptions.TemporaryScheduleRetentionDays"/> after its last session: the registry stays the size
    /// of a year or so of seasons, however many years the office runs. Returns how many went.
    /// </summary>
    private int Prune(DateTimeOffset now)
    {
        var dayAgo = now.AddDays(-1);
        var retained = now.AddDays(-options.Value.TemporaryScheduleRetentionDays);
        return registry.State.Schedules.RemoveAll(s => s.Sessions.All(x => x.EndsAt < (s.Cancelled ? dayAgo : retained)));
    }

    public async Task<int> PruneAsync()
    {
        var removed = Prune(time.GetUtcNow());
        if (removed > 0)
        {
            await registry.WriteStateAsync();
            logger.LogInformation("Temporary counters: {Count} past schedules deleted", removed);
        }
        return removed;
    }

    public async Task<TemporaryCounterSchedule?> CancelAsync(string scheduleId)
    {
        var index = registry.State.Schedules.FindIndex(s => s.Id == scheduleId && !s.Cancelled);
        if (index < 0) return null;
        var schedule = registry.State.Schedules[index] with { Cancelled = true };
        registry.State.Schedules[index] = schedule;
        await registry.WriteStateAsync();
        logger.LogInformation("Temporary counter {ScheduleId} cancelled", scheduleId);
        return schedule;
    }

    public async Task<int> SeedDemoAsync(IReadOnlyList<TemporaryCounterSchedule> schedules)
    {
        if (registry.State.DemoSeeded) return 0;
        var now = time.GetUtcNow();
        var added = 0;
        foreach (var schedule in schedules)
        {
            var upcoming = schedule.Sessions.Where(s => s.EndsAt > now).ToList();
            if (upcoming.Count == 0 || registry.State.Schedules.Any(s => s.Id == schedule.Id)) continue;
            registry.State.Schedules.Add(schedule with { Sessions = upcoming, CreatedAt = now });
            added++;
        }
        registry.State.DemoSeeded = true;
        await registry.WriteStateAsync();
        return added;
    }
}

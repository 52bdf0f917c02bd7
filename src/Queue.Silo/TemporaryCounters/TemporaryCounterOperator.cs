using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Counters;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.TemporaryCounters;
using CounterQueue.Silo.Counters;
using CounterQueue.Silo.Lobby;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;
using Microsoft.Extensions.Logging;

namespace CounterQueue.Silo.TemporaryCounters;

/// <summary>
/// Brings a temporary counter to the state its schedule asks for *now*: during a session its counter is
/// open, its service takes tickets and the lobby hears a notice; outside one the service takes no new
/// tickets and the counter closes once nobody waits (or staff close it). It reads the clock rather than
/// being told "open" or "close", so running it twice, late, or after a restart is always right.
/// </summary>
public sealed class TemporaryCounterOperator(
    IGrainFactory grains,
    OfficeCatalog catalog,
    TimeProvider time,
    ILogger<TemporaryCounterOperator> logger)
{
    private ITemporaryCounterRegistryGrain Registry => grains.GetGrain<ITemporaryCounterRegistryGrain>(ITemporaryCounterRegistryGrain.Key);

    public async Task<ReconcileOutcome> ReconcileAsync(string scheduleId)
    {
        var schedule = await Registry.GetAsync(scheduleId);
        return schedule is null ? new ReconcileOutcome(false, false) : await ReconcileAsync(schedule, cancelled: false);
    }

    public async Task<ReconcileOutcome> ReconcileAsync(TemporaryCounterSchedule schedule, bool cancelled)
    {
        var now = time.GetUtcNow();
        var office = await catalog.FindAsync(schedule.OfficeId);
        if (office is null) return new ReconcileOutcome(false, false);
        cancelled |= schedule.Cancelled;
        var session = cancelled ? null : schedule.SessionAt(now);
        var counter = grains.GetGrain<ICounterGrain>(new CounterKey(schedule.OfficeId, schedule.CounterId).ToGrainKey());
        var line = grains.GetGrain<ITicketLineGrain>(new TicketLineKey(schedule.OfficeId, schedule.ServiceId, Tokyo.DateOf(now)).ToGrainKey());

        var procedure = (await Registry.GetProceduresAsync()).FirstOrDefault(p => p.Id == schedule.ProcedureId);
        if (!cancelled && procedure is not null)
        {
            // The service and counter exist from the day the schedule is made: asking for a ticket before
            // the session is "not yet" (409), not "no such thing" (404).
            // The change itself is made in the office grain, on its current definition (this copy may be cached).
            if (!ReferenceEquals(TemporaryCounterRules.WithTemporaryCounter(office, procedure, schedule.Label), office))
                office = await catalog.AddTemporaryCounterAsync(office.Id, procedure, schedule.Label);
        }

        if (session is not null && procedure is not null)
        {
            var before = await counter.GetAsync();
            // The session first, then the counter: once the counter shows open, its service already takes tickets.
            await line.SetSessionOpenAsync(true);
            if (before.State != CounterStatus.Open) await counter.OpenAsync(null);
            if (before.State != CounterStatus.Open)
            {
                logger.LogInformation("Temporary counter {ScheduleId} opened: {ProcedureId} at {OfficeId} until {Closes}",
                    schedule.Id, schedule.ProcedureId, schedule.OfficeId, TemporaryCounterRules.Format(session.Closes));
                await AnnounceAsync(office, procedure, session);
            }
            return new ReconcileOutcome(true, false);
        }

        if (office.Counters.All(c => c.Id != schedule.CounterId)) return new ReconcileOutcome(false, false); // never opened
        var summary = await line.SetSessionOpenAsync(false);
        var view = await counter.GetAsync();
        if (view.State == CounterStatus.Closed) return new ReconcileOutcome(false, false);
        if (view.Serving is null && summary.Waiting == 0)
        {
            await counter.CloseAsync();
            logger.LogInformation("Temporary counter {ScheduleId} closed", schedule.Id);
            return new ReconcileOutcome(false, false);
        }
        // Visitors already waiting are still served; the counter closes when they are done.
        return new ReconcileOutcome(false, true);
    }

    /// <summary>The notice goes to the branch's displays and to every ward office's (people ask there).</summary>
    private async Task AnnounceAsync(OfficeDefinition office, TemporaryProcedure procedure, TemporarySession session)
    {
        var text = TemporaryCounterRules.NoticeText(office.Name, procedure, session);
        var targets = (await catalog.ListAsync()).Where(o => o.Id == office.Id || o.Kind == OfficeKind.Ward).Select(o => o.Id).Distinct();
        await grains.PublishAsync(targets.Select(id => LobbyMessage.ToOffice(id, null, new Notice(id, "temporary-counter", text))).ToArray());
    }

    /// <summary>The notices a display should show now: temporary counters open at this office, and at a ward office those at every office.</summary>
    public async Task<IReadOnlyList<Notice>> ActiveNoticesAsync(OfficeDefinition office)
    {
        var now = time.GetUtcNow();
        var procedures = (await Registry.GetProceduresAsync()).ToDictionary(p => p.Id);
        var schedules = await Registry.ListAsync();
        var notices = new List<Notice>();
        foreach (var schedule in schedules)
        {
            if (schedule.Cancelled || schedule.OfficeId != office.Id && office.Kind != OfficeKind.Ward) continue;
            if (schedule.SessionAt(now) is not { } session || !procedures.TryGetValue(schedule.ProcedureId, out var procedure)) continue;
            var at = schedule.OfficeId == office.Id ? office : await catalog.FindAsync(schedule.OfficeId);
            if (at is null) continue;
            notices.Add(new Notice(office.Id, "temporary-counter", TemporaryCounterRules.NoticeText(at.Name, procedure, session)));
        }
        return notices;
    }
}

using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Counters;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.Tickets;
using CounterQueue.Domain.History;
using CounterQueue.Silo.History;
using CounterQueue.Silo.Lobby;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;
using Microsoft.Extensions.Logging;

namespace CounterQueue.Silo.Counters;

public sealed class CounterGrain(
    [PersistentState("counter", StorageNames.Queue)] IPersistentState<CounterState> counter,
    TimeProvider time,
    IVisitHistory history,
    TicketLineGrains lines,
    ILogger<CounterGrain> logger) : Grain, ICounterGrain
{
    /// <summary>Rounds of peek-and-take before giving up when other counters keep taking the same heads.</summary>
    private const int MaxCallAttempts = 8;
    private CounterKey _key;
    private OfficeDefinition _office = null!;
    private CounterDefinition _definition = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = CounterKey.Parse(this.GetPrimaryKeyString());
        _office = await GrainFactory.GetGrain<IOfficeGrain>(_key.OfficeId).GetAsync()
                  ?? throw QueueRuleException.NotFound(ProblemCodes.OfficeNotFound, $"There is no office '{_key.OfficeId}'.");
        _definition = _office.RequireCounter(_key.CounterId);
    }

    private DateOnly Today => Tokyo.DateOf(time.GetUtcNow());

    private ITicketLineGrain Line(string serviceId, DateOnly day) => lines.Get(new TicketLineKey(_key.OfficeId, serviceId, day));

    public Task<CounterView> GetAsync()
    {
        // A read never writes: a counter left open yesterday shows as closed without being changed.
        var state = counter.State;
        var stale = state.Day != Today;
        return Task.FromResult(new CounterView(_definition.Id, _definition.Label, _office.FloorOf(_definition, time.GetUtcNow()),
            state.Status == CounterStatus.Closed || stale || state.ServiceIds.Count == 0 ? _definition.ServiceIds : state.ServiceIds,
            stale ? CounterStatus.Closed : state.Status, _definition.Temporary,
            stale || state.Current is null ? null : new ServingRef(state.Current.Number, state.Current.ServiceId, state.Current.Status, state.Current.CalledAt),
            stale ? [] : state.Recent.Select(r => new RecentCallView(r.Number, r.ServiceId, r.CalledAt)).ToList()));
    }

    public async Task<CounterView> OpenAsync(IReadOnlyList<string>? serviceIds)
    {
        CounterRules.RollOver(counter.State, Today);
        var services = serviceIds is { Count: > 0 } ? serviceIds : _definition.ServiceIds;
        foreach (var id in services) _office.RequireService(id);
        var before = counter.State.Status == CounterStatus.Open ? counter.State.ServiceIds.ToList() : [];
        CounterRules.Open(counter.State, services, Today);
        await SaveAsync(VisitEventKinds.CounterOpened);
        await AnnounceAsync(before, counter.State.ServiceIds);
        logger.LogInformation("Counter {CounterId} at {OfficeId} opened for {Services}", _key.CounterId, _key.OfficeId, counter.State.ServiceIds);
        return await GetAsync();
    }

    public async Task<CounterView> PauseAsync()
    {
        CounterRules.RollOver(counter.State, Today);
        var before = counter.State.Status == CounterStatus.Open ? counter.State.ServiceIds.ToList() : [];
        CounterRules.Pause(counter.State);
        await SaveAsync(VisitEventKinds.CounterPaused);
        await AnnounceAsync(before, []);
        return await GetAsync();
    }

    public async Task<CounterView> CloseAsync()
    {
        CounterRules.RollOver(counter.State, Today);
        var before = counter.State.Status == CounterStatus.Open ? counter.State.ServiceIds.ToList() : [];
        CounterRules.Close(counter.State);
        await SaveAsync(VisitEventKinds.CounterClosed);
        await AnnounceAsync(before, []);
        logger.LogInformation("Counter {CounterId} at {OfficeId} closed", _key.CounterId, _key.OfficeId);
        return await GetAsync();
    }

    /// <summary>Stores the counter, then records the change in the visit history (who, when): both durable before the answer.</summary>
    private async Task SaveAsync(string kind)
    {
        var happened = new VisitEvent(kind, time.GetUtcNow(), _key.OfficeId, Today, CounterId: _key.CounterId, Staff: ActingStaff.Current);
        await counter.WriteStateAsync();
        await history.AppendAsync([happened]);
    }

    /// <summary>Tells each affected line whether this counter now serves it (wait estimates, opening rule), and the lobby.</summary>
    private async Task AnnounceAsync(IReadOnlyCollection<string> before, IReadOnlyCollection<string> after)
    {
        await Task.WhenAll(before.Union(after).Select(serviceId =>
            Line(serviceId, Today).SetCounterOpenAsync(_key.CounterId, after.Contains(serviceId))));
        await GrainFactory.PublishAsync(LobbyMessage.ToOffice(_key.OfficeId, _office.FloorOf(_definition, time.GetUtcNow()),
            new CounterChanged(_key.OfficeId, _key.CounterId, counter.State.Status)));
    }

    /// <summary>
    /// The office changed (a section moved): read it again and tell the displays, on the floor the counter left and the
    /// one it is on now, so a floor display drops or adds it.
    /// </summary>
    public async Task ReloadAsync(string? previousFloor)
    {
        _office = await GrainFactory.GetGrain<IOfficeGrain>(_key.OfficeId).GetAsync() ?? _office;
        _definition = _office.FindCounter(_key.CounterId) ?? _definition;
        var floor = _office.FloorOf(_definition, time.GetUtcNow());
        var changed = new CounterChanged(_key.OfficeId, _key.CounterId, counter.State.Day == Today ? counter.State.Status : CounterStatus.Closed);
        await GrainFactory.PublishAsync([.. new[] { previousFloor, floor }.OfType<string>().Distinct().Select(f => LobbyMessage.ToOffice(_key.OfficeId, f, changed))]);
    }

    public async Task<TicketView?> CallNextAsync()
    {
        if (CounterRules.RollOver(counter.State, Today)) await counter.WriteStateAsync();
        await ReleaseCurrentIfGoneAsync();
        CounterRules.EnsureCanCall(counter.State);
        var today = Today;
        var lines = counter.State.ServiceIds.Select(s => Line(s, today)).ToArray();
        for (var attempt = 0; attempt < MaxCallAttempts; attempt++)
        {
            var peeks = await Task.WhenAll(lines.Select(l => l.PeekAsync(_key.CounterId, _definition.Steps)));
            // A line that still has a ticket at this counter (a call whose answer was lost) gets it back.
            if (peeks.FirstOrDefault(p => p.InHand is not null)?.InHand is { } orphan)
                return await HoldAsync(orphan, counter.State.PriorityStreak);

            var choice = CallPolicy.Choose(peeks.SelectMany(p => p.Candidates), counter.State.PriorityStreak, _office.Fairness);
            if (choice is null) return null;
            var chosen = choice.Candidate;
            var ticket = await Line(chosen.ServiceId, today).TakeAsync(_key.CounterId, chosen.TicketId, chosen.Priority, _definition.Steps);
            if (ticket is not null) return await HoldAsync(ticket, choice.PriorityStreak);
        }
        throw QueueRuleException.Conflict(ProblemCodes.CallContended, "Other counters kept taking the next ticket; try again.");
    }

    /// <summary>A ticket in hand that the visitor cancelled (or that moved away) no longer blocks the counter.</summary>
    private async Task ReleaseCurrentIfGoneAsync()
    {
        if (counter.State.Current is not { } current) return;
        var line = Line(current.ServiceId, current.Day);
        var lookup = await line.GetAsync(current.TicketId);
        if (lookup.Ticket is { Status: TicketStatus.Called or TicketStatus.Serving } t && t.Counter?.Id == _key.CounterId) return;
        if (lookup.MovedToServiceId is { } movedTo)
        {
            // A transfer that stopped half-way (a crash between the two lines' writes): finish it.
            var copy = await line.MoveOutAsync(current.TicketId, movedTo, _key.CounterId);
            await Line(movedTo, current.Day).AcceptAsync(copy);
        }
        counter.State.Current = null;
        await counter.WriteStateAsync();
    }

    private async Task<TicketView> HoldAsync(TicketView ticket, int priorityStreak)
    {
        CounterRules.Hold(counter.State, new TicketInHand
        {
            TicketId = ticket.TicketId,
            Number = ticket.Number,
            ServiceId = ticket.ServiceId,
            Day = Today,
            Status = ticket.Status,
            CalledAt = ticket.CalledAt ?? time.GetUtcNow(),
        });
        counter.State.PriorityStreak = priorityStreak;
        await counter.WriteStateAsync();
        return ticket;
    }

    public Task<TicketView> RecallAsync() => ActOnCurrentAsync((line, id) => line.RecallAsync(id, _key.CounterId), keep: true);

    public Task<TicketView> StartAsync() => ActOnCurrentAsync((line, id) => line.StartAsync(id, _key.CounterId), keep: true);

    public Task<TicketView> CompleteAsync() => ActOnCurrentAsync((line, id) => line.CompleteAsync(id, _key.CounterId), keep: false);

    public Task<TicketView> NoShowAsync() => ActOnCurrentAsync((line, id) => line.NoShowAsync(id, _key.CounterId), keep: false);

    public async Task<TicketView> TransferAsync(string toServiceId)
    {
        _office.RequireService(toServiceId);
        var current = CounterRules.RequireCurrent(counter.State);
        var copy = await Line(current.ServiceId, current.Day).MoveOutAsync(current.TicketId, toServiceId, _key.CounterId);
        var moved = await Line(toServiceId, current.Day).AcceptAsync(copy);
        CounterRules.Release(counter.State);
        await counter.WriteStateAsync();
        logger.LogInformation("Counter {CounterId} transferred {Number} to {ToServiceId}", _key.CounterId, current.Number, toServiceId);
        return moved;
    }

    private async Task<TicketView> ActOnCurrentAsync(Func<ITicketLineGrain, string, Task<TicketView>> act, bool keep)
    {
        var current = CounterRules.RequireCurrent(counter.State);
        TicketView ticket;
        try
        {
            ticket = await act(Line(current.ServiceId, current.Day), current.TicketId);
        }
        catch (Infrastructure.QueueProblemException e) when (e.Code == ProblemCodes.TicketNotAtCounter)
        {
            // The visitor cancelled, or the ticket was moved away: the counter lets go of it.
            counter.State.Current = null;
            await counter.WriteStateAsync();
            throw;
        }
        if (keep)
        {
            current.Status = ticket.Status;
        }
        else
        {
            CounterRules.Release(counter.State);
        }
        await counter.WriteStateAsync();
        return ticket;
    }
}

using System.Globalization;
using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Counters;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.Tickets;
using CounterQueue.Domain.History;
using CounterQueue.Silo.History;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Lobby;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Telemetry;
using CounterQueue.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Orleans.Concurrency;

namespace CounterQueue.Silo.Tickets;

/// <remarks>
/// Reentrant: every rule runs synchronously between awaits, so interleaving never splits a change. Each write stores
/// the line's header and the tickets changed since the last one (<see cref="TicketLineStore"/>). On the embedded store,
/// which applies a line's writes in order, each change is handed to the store at once (pipelined: it need not wait for
/// the previous change to be durable, and shares the store's group commit with every other line); on a store that
/// does not order writes, concurrent changes share the next write (<see cref="WriteBatcher"/>). Ticket issue asked by a
/// caller in this process (<see cref="IssueTicket.CallerHost"/>) on the embedded store answers once the write is handed
/// over, and the caller waits for it (<see cref="PendingWrites"/>).
/// </remarks>
[Reentrant]
public sealed partial class TicketLineGrain(
    TimeProvider time,
    QueueMetrics metrics,
    IVisitHistory history,
    PendingWrites pendingWrites,
    IOptions<QueueOptions> options,
    ILogger<TicketLineGrain> logger) : Grain, ITicketLineGrain
{
    private static readonly TimeSpan RefreshOfficeAfter = TimeSpan.FromMinutes(1);
    /// <summary>How often at most a line tells the displays its length (real time: a broadcast's pace, not the queue's clock).</summary>
    private static readonly TimeSpan QueueUpdateEvery = TimeSpan.FromMilliseconds(250);
    /// <summary>How long after its day's midnight a line leaves memory (late completions of called tickets still land).</summary>
    private static readonly TimeSpan DayOverGrace = TimeSpan.FromMinutes(2);
    private long _queueUpdateSentAt;
    private bool _queueUpdatePending;
    private bool _deactivated; // a queue update still due is not sent: after a failed write the state held may not be the stored one
    private TicketLineKey _key;
    /// <summary>What the ids of this line's tickets start with.</summary>
    private string _idPrefix = "";
    private OfficeDefinition _office = null!;
    private TicketLine _rules = null!;
    private DateTimeOffset _officeLoadedAt;
    private WriteBatcher? _writer;
    private TicketLineStore _store = null!;
    private TicketLineState _state = null!;
    /// <summary>
    /// The newest write handed to the store. Writes land in the order they are handed over, so once it is durable every
    /// change made before it is too: an answer that changes nothing (a retried issue, an accept already taken in) waits
    /// for it, so it never acknowledges a change the first attempt is still waiting to store.
    /// </summary>
    private Task _lastWrite = Task.CompletedTask;
    /// <summary>Checks ready tickets nobody collected, while there are any (machine time; the rule compares queue times).</summary>
    private IGrainTimer? _pickupTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = TicketLineKey.Parse(this.GetPrimaryKeyString());
        _idPrefix = TicketId.Prefix(_key);
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Queue) as IRecordSetStorage
                      ?? throw new InvalidOperationException($"The '{StorageNames.Queue}' grain storage must keep record sets.");
        _store = new TicketLineStore(storage, this.GetGrainId());
        var (state, toMove) = await _store.ReadAsync();
        _state = state;
        _writer = new WriteBatcher(WriteAsync, onFailure: DeactivateOnIdle);
        await LoadOfficeAsync();
        LeaveAfterTheDay();
        WatchPickups();
        if (toMove.Count > 0)
        {
            _rules.ReturnChanges(toMove); // stored the older way: the next write moves them to records
            logger.LogInformation("Line {Line}: {Count} tickets move to per-ticket records on the next write", _key, toMove.Count);
        }
    }

    /// <summary>
    /// A day's line has nothing more to do once its day is over: it leaves memory a few minutes after midnight, rather
    /// than when Orleans finds it idle (a ticket of that day looked up later activates it again, briefly). An old
    /// day's line activated for such a look-up leaves soon after.
    /// </summary>
    private void LeaveAfterTheDay()
    {
        var due = Tokyo.At(_key.Day.AddDays(1), TimeSpan.Zero) + DayOverGrace - time.GetUtcNow();
        this.RegisterGrainTimer(() =>
        {
            logger.LogInformation("Line {Line}: its day is over; leaving memory", _key);
            DeactivateOnIdle();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(due < DayOverGrace ? DayOverGrace : due, Timeout.InfiniteTimeSpan) { Interleave = true });
    }

    /// <summary>
    /// One durable write of a store that does not order writes (PostgreSQL): the header and the tickets changed since the
    /// last write (captured now), then what happened to them in the history — after the line is stored, so a write that
    /// fails (a stale ETag) leaves no events for changes that never happened.
    /// </summary>
    private async Task WriteAsync()
    {
        var changed = _rules.TakeChanges();
        var events = TakeEvents();
        try
        {
            await _store.WriteAsync(_state, changed);
        }
        catch
        {
            _rules.ReturnChanges(changed); // still to be stored, should this activation write again
            _unwritten.InsertRange(0, events);
            throw;
        }
        await history.AppendAsync(events);
    }

    /// <summary>Events recorded but not yet handed to the history, each already stamped with who acted.</summary>
    private List<VisitEvent> _unwritten = [];

    /// <summary>
    /// Stamps the rules' new events with the office, the day and who acted (the staff member of the request whose turn made
    /// them), at once: several requests' changes may share one later write.
    /// </summary>
    private void StampEvents()
    {
        var events = _rules.TakeEvents();
        if (events.Count == 0) return;
        var staff = ActingStaff.Current;
        foreach (var e in events) _unwritten.Add(e with { OfficeId = _key.OfficeId, Day = _key.Day, Staff = staff });
    }

    private List<VisitEvent> TakeEvents()
    {
        StampEvents();
        var events = _unwritten;
        _unwritten = [];
        return events;
    }

    /// <summary>Persists the line (shared with concurrent changes). If a write fails, the in-memory state may be
    /// ahead of storage, so the activation goes away and the next one reloads what is durable.</summary>
    private async Task PersistAsync()
    {
        StampEvents(); // in the turn that made the change (this runs synchronously up to its first await)
        if (_store.WritesInOrder)
        {
            try
            {
                await HandToStore();
            }
            catch
            {
                DeactivateOnIdle(); // this write and every later one failed: the next activation reloads what is durable
                throw;
            }
        }
        else
        {
            await (_lastWrite = _writer!.WriteAsync());
        }
        ReportLineChanged();
    }

    /// <summary>The line's length and wait estimate for the metrics, after a change.</summary>
    private void ReportLineChanged() =>
        metrics.LineChanged(_key.OfficeId, _key.ServiceId, _key.Day, _rules.WaitingCount, _rules.EstimateWaitForNewTicket());

    /// <summary>
    /// On the store that applies a line's writes in order: hands it the header and the tickets changed since the last write,
    /// with their history — one write, in the store's next group commit, the events appended only if the line's write is
    /// applied. Completes once durable. (The ordered store is the embedded one, whose history is the visit history:
    /// SiloHostingExtensions registers both on one file.)
    /// </summary>
    private Task HandToStore()
    {
        var changed = _rules.TakeChanges();
        var events = TakeEvents();
        return _lastWrite = _store.WriteAsync(_state, changed, history.Enabled && events.Count > 0 ? events : null);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivated = true;
        metrics.LineClosed(_key.OfficeId, _key.ServiceId, _key.Day);
        return Task.CompletedTask;
    }

    private async Task LoadOfficeAsync()
    {
        _office = await GrainFactory.GetGrain<IOfficeGrain>(_key.OfficeId).GetAsync()
                  ?? throw QueueRuleException.NotFound(ProblemCodes.OfficeNotFound, $"There is no office '{_key.OfficeId}'.");
        var service = _office.RequireService(_key.ServiceId);
        if (_rules is null) _rules = new TicketLine(_state, service);
        else _rules.Redefine(service);
        _officeLoadedAt = time.GetUtcNow();
    }

    private async Task RefreshOfficeIfStaleAsync()
    {
        if (time.GetUtcNow() - _officeLoadedAt > RefreshOfficeAfter) await LoadOfficeAsync();
    }

    /// <summary>
    /// A move of this service's section took effect (移転): read the office again and tell every visitor still in line
    /// (their phones show the new floor) and the displays, in one batch.
    /// </summary>
    public async Task RelocatedAsync()
    {
        await LoadOfficeAsync();
        var followers = _rules.Tickets.Where(t => t.Status is TicketStatus.Waiting or TicketStatus.Called or TicketStatus.Serving)
            .Select(t => LobbyMessage.ToFollowers(View(t)));
        await PublishAsync([QueueMessage(), .. followers]);
    }

    public async Task<TicketView> IssueAsync(IssueTicket command)
    {
        if (!TicketId.BelongsTo(command.TicketId, _idPrefix))
            throw QueueRuleException.Invalid(ProblemCodes.TicketIdMismatch, "The ticket id does not belong to this line.");
        if (_rules.Find(command.TicketId) is { } existing) // a retry of the same issue (the same Idempotency-Key)
        {
            await _lastWrite; // the first attempt's write may still be on its way to the disk
            return View(existing);
        }
        await RefreshOfficeIfStaleAsync();
        var now = time.GetUtcNow();
        EnsureAccepting(now);
        var ticket = _rules.Issue(command.TicketId, command.Priority, command.Language, now, command.ServedFrom, command.Channel);
        Task? handedOver = null;
        if (_store.WritesInOrder && pendingWrites.IsHere(command.CallerHost))
        {
            // The caller, in this process, waits for the write itself (PendingWrites) before it answers the visitor: this
            // turn ends now instead of resuming here when the write lands. Should it fail, the line reloads as after any.
            handedOver = HandToStore();
            _ = handedOver.ContinueWith(static (_, grain) => ((TicketLineGrain)grain!).DeactivateOnIdle(), this, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Current);
            ReportLineChanged();
        }
        else await PersistAsync();
        metrics.TicketIssued(_key.OfficeId, _key.ServiceId, command.Priority);
        LogIssued(logger, ticket.Number, _key.OfficeId, _key.ServiceId, command.Priority);
        var view = View(ticket);
        await PublishAsync(QueueUpdate()); // nobody follows a ticket that did not exist before this answer
        // Last, so an answer that fails on the way leaves nothing behind for a caller that will not ask (a retry waits for
        // the line's latest write instead).
        if (handedOver is not null) pendingWrites.Add(command.TicketId, handedOver);
        return view;
    }

    /// <summary>
    /// A service takes tickets inside its office's hours and whenever one of its counters is open
    /// (staff may open outside hours). A temporary service only while one of its sessions runs and
    /// a counter serves it, whatever the office's hours.
    /// </summary>
    private bool IsAccepting(DateTimeOffset now) => _rules.Service.Temporary
        ? _rules.SessionOpen && _rules.OpenCounterCount > 0
        : _rules.OpenCounterCount > 0 || Tokyo.DateOf(now) == _key.Day && _office.Hours.IsOpen(now);

    public async Task<LineSummary> SetSessionOpenAsync(bool open)
    {
        await RefreshOfficeIfStaleAsync();
        if (_rules.SetSessionOpen(open))
        {
            await PersistAsync();
            logger.LogInformation("Temporary service {OfficeId}/{ServiceId}: session {State}", _key.OfficeId, _key.ServiceId, open ? "open" : "ended");
            await PublishAsync(QueueUpdate());
        }
        return await GetSummaryAsync();
    }

    private void EnsureAccepting(DateTimeOffset now)
    {
        if (Tokyo.DateOf(now) != _key.Day)
            throw QueueRuleException.Conflict(ProblemCodes.LineClosed, "This day's line no longer takes tickets.");
        if (IsAccepting(now)) return;
        var next = _rules.Service.Temporary ? null : _office.Hours.NextOpening(now);
        var details = new Dictionary<string, string>();
        if (next is { } opens) details["nextOpening"] = Tokyo.ToLocal(opens).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        throw QueueRuleException.Conflict(ProblemCodes.ServiceClosed,
            next is { } at
                ? $"This service is not taking tickets now. It next opens at {Tokyo.ToLocal(at):yyyy-MM-dd HH:mm} (Japan time)."
                : "This service is not taking tickets now.",
            details);
    }

    public Task<TicketLookup> GetAsync(string ticketId)
    {
        var ticket = _rules.Find(ticketId);
        return Task.FromResult(ticket switch
        {
            null => new TicketLookup(null, null),
            { Status: TicketStatus.Moved } => new TicketLookup(null, ticket.MovedToServiceId),
            _ => new TicketLookup(View(ticket), null),
        });
    }

    public Task<LineSummary> GetSummaryAsync() => Task.FromResult(new LineSummary(
        _key.ServiceId, _rules.WaitingCount, _rules.EstimateWaitForNewTicket(), _rules.OpenCounterCount,
        IsAccepting(time.GetUtcNow())));

    public Task<IReadOnlyList<TicketView>> ListWaitingAsync() => Task.FromResult<IReadOnlyList<TicketView>>(
        _rules.Tickets.Where(t => t.Status == TicketStatus.Waiting).Select(View).ToList());

    public Task<IReadOnlyList<PickupReady>> ListReadyForPickupAsync() => Task.FromResult<IReadOnlyList<PickupReady>>(
        _rules.ReadyForPickup().Select(t => new PickupReady(_key.OfficeId, t.Number, _key.ServiceId, t.ReadyAt!.Value, Recall: t.PickupRecalledAt is not null)).ToList());

    public Task<IReadOnlyList<DeskTicket>> ListDeskAsync() => Task.FromResult<IReadOnlyList<DeskTicket>>(
    [
        .. _rules.InProcessing().Select(t => new DeskTicket(View(t), "processing", t.WaitingSince, false)),
        .. _rules.ReadyForPickup().Where(t => t.Status == TicketStatus.Waiting).Select(t => new DeskTicket(View(t), "ready", t.ReadyAt!.Value, t.PickupRecalledAt is not null)),
        .. _rules.Uncollected().Select(t => new DeskTicket(View(t), "uncollected", t.UncollectedAt!.Value, t.PickupRecalledAt is not null)),
    ]);

    public Task<LinePeek> PeekAsync(string counterId, IReadOnlyList<string>? steps)
    {
        var inHand = _rules.AtCounter(counterId);
        var (assisted, normal) = _rules.Heads(steps, time.GetUtcNow());
        var candidates = new[] { assisted, normal }.OfType<TicketRecord>()
            .Select(t => new CallCandidate(_key.ServiceId, t.Id, t.Priority, t.EffectiveAt, t.Arrival))
            .ToList();
        return Task.FromResult(new LinePeek(candidates, inHand is null ? null : View(inHand)));
    }

    public async Task<TicketView?> TakeAsync(string counterId, string? preferredTicketId, Priority preferredClass,
        IReadOnlyList<string>? steps)
    {
        var now = time.GetUtcNow();
        var ticket = _rules.Take(preferredTicketId, preferredClass, counterId, now, steps);
        if (ticket is null) return null;
        await PersistAsync();
        metrics.TicketCalled(_key.OfficeId, _key.ServiceId, now - ticket.WaitingSince);
        logger.LogInformation("Called {Number} to counter {CounterId} at {OfficeId}", ticket.Number, counterId, _key.OfficeId);
        var view = View(ticket);
        await PublishAsync(CalledMessage(ticket, recall: false), QueueUpdate(), LobbyMessage.ToFollowers(view));
        return view;
    }

    public Task<TicketView> RecallAsync(string ticketId, string counterId) =>
        ChangeAsync(() => _rules.Recall(ticketId, counterId, time.GetUtcNow()), (t, view) => [CalledMessage(t, recall: true), LobbyMessage.ToFollowers(view)]);

    public Task<TicketView> StartAsync(string ticketId, string counterId) =>
        ChangeAsync(() => _rules.Start(ticketId, counterId, time.GetUtcNow()));

    public Task<TicketView> CompleteAsync(string ticketId, string counterId) =>
        ChangeAsync(() => _rules.Complete(ticketId, counterId, time.GetUtcNow()));

    public Task<TicketView> NoShowAsync(string ticketId, string counterId) =>
        ChangeAsync(() => _rules.NoShow(ticketId, counterId, time.GetUtcNow()));

    public Task<TicketView> CancelAsync(string ticketId) =>
        ChangeAsync(() => _rules.Cancel(ticketId, time.GetUtcNow()));

    public Task<TicketView> ReadyAsync(string ticketId) =>
        ChangeAsync(() => ReadyAndWatch(ticketId), (t, view) =>
        [
            LobbyMessage.ToOffice(_key.OfficeId, _office.FloorOf(_rules.Service, time.GetUtcNow()), new PickupReady(_key.OfficeId, t.Number, _key.ServiceId, t.ReadyAt ?? time.GetUtcNow())),
            QueueUpdate(),
            LobbyMessage.ToFollowers(view),
        ]);

    public async Task<TicketRecord> MoveOutAsync(string ticketId, string toServiceId, string? counterId)
    {
        _office.RequireService(toServiceId);
        var copy = _rules.MoveOut(ticketId, toServiceId, counterId, time.GetUtcNow());
        await PersistAsync();
        await PublishAsync(QueueUpdate());
        logger.LogInformation("Ticket {Number} moved from {ServiceId} to {ToServiceId} at {OfficeId}", copy.Number, _key.ServiceId, toServiceId, _key.OfficeId);
        return copy;
    }

    public async Task<TicketView> AcceptAsync(TicketRecord ticket)
    {
        var existing = _rules.Find(ticket.Id);
        var accepted = _rules.Accept(ticket, time.GetUtcNow());
        var view = View(accepted);
        if (!ReferenceEquals(existing, accepted))
        {
            await PersistAsync();
            await PublishAsync(QueueUpdate(), LobbyMessage.ToFollowers(view));
        }
        else await _lastWrite; // taken in already: answered once what took it in is stored
        return view;
    }

    public async Task SetCounterOpenAsync(string counterId, bool open)
    {
        if (!_rules.SetCounterOpen(counterId, open))
        {
            await _lastWrite; // already so: answered once that is stored
            return;
        }
        await PersistAsync();
        await PublishAsync(QueueUpdate()); // the estimate changed
    }

    private TicketRecord ReadyAndWatch(string ticketId)
    {
        var ticket = _rules.Ready(ticketId, time.GetUtcNow());
        WatchPickups();
        return ticket;
    }

    /// <summary>Starts checking ready tickets if there are any and it is not already doing so.</summary>
    private void WatchPickups()
    {
        if (_pickupTimer is not null || !_rules.ReadyForPickup().Any()) return;
        var every = options.Value.PickupCheckEvery;
        _pickupTimer = this.RegisterGrainTimer(SweepPickupsAsync, new GrainTimerCreationOptions(every, every) { Interleave = true });
    }

    /// <summary>
    /// A ready ticket nobody collected (交付待ち) is shown on the display again after a while, and later marked
    /// uncollected (未交付): off the board, on the staff's processing desk.
    /// </summary>
    private async Task SweepPickupsAsync()
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var changed = _rules.SweepPickups(now, o.PickupRecallAfter, o.PickupUncollectedAfter);
        if (!_rules.ReadyForPickup().Any())
        {
            _pickupTimer?.Dispose();
            _pickupTimer = null;
        }
        if (changed.Count == 0) return;
        await PersistAsync();
        var floor = _office.FloorOf(_rules.Service, now);
        var messages = new List<LobbyMessage?>();
        foreach (var (ticket, uncollected) in changed)
        {
            logger.LogInformation("Ready ticket {Number} at {OfficeId}/{ServiceId} not collected: {Action}", ticket.Number, _key.OfficeId, _key.ServiceId,
                uncollected ? "marked uncollected" : "shown again");
            messages.Add(LobbyMessage.ToOffice(_key.OfficeId, floor,
                new PickupReady(_key.OfficeId, ticket.Number, _key.ServiceId, ticket.ReadyAt ?? now, Recall: !uncollected, Uncollected: uncollected)));
            messages.Add(LobbyMessage.ToFollowers(View(ticket)));
        }
        await PublishAsync([.. messages]);
    }

    /// <summary>Applies a rule, persists, and tells the lobby (by default: the ticket's followers and the line's length).</summary>
    private async Task<TicketView> ChangeAsync(Func<TicketRecord> change,
        Func<TicketRecord, TicketView, LobbyMessage?[]>? messages = null)
    {
        var ticket = change();
        await PersistAsync();
        var view = View(ticket);
        await PublishAsync(messages?.Invoke(ticket, view) ?? [LobbyMessage.ToFollowers(view), QueueUpdate()]);
        return view;
    }

    /// <summary>Publishes the given events (null ones skipped) to the lobby.</summary>
    private Task PublishAsync(params LobbyMessage?[] messages) =>
        Array.TrueForAll(messages, m => m is null) ? Task.CompletedTask // a busy line's usual case: its update is already due
            : GrainFactory.PublishAsync(messages.OfType<LobbyMessage>().ToArray());

    /// <summary>
    /// The line's length and wait for the displays, at most every <see cref="QueueUpdateEvery"/>: null if one went out
    /// less than that ago, and then one more goes out when that time is up, with the length as it is then. A quiet
    /// line's displays hear of each change at once; a busy line's several times a second rather than once per ticket.
    /// </summary>
    private LobbyMessage? QueueUpdate()
    {
        if (_queueUpdatePending) return null; // the one due will carry this change
        var sinceLast = TimeProvider.System.GetElapsedTime(_queueUpdateSentAt);
        if (_queueUpdateSentAt == 0 || sinceLast >= QueueUpdateEvery)
        {
            _queueUpdateSentAt = TimeProvider.System.GetTimestamp();
            return QueueMessage();
        }
        _queueUpdatePending = true;
        _ = PublishQueueUpdateAfterAsync(QueueUpdateEvery - sinceLast);
        return null;
    }

    private async Task PublishQueueUpdateAfterAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, TimeProvider.System); // resumes on this grain's scheduler
            if (_deactivated) return; // the displays hear the length with the line's next change, from its next activation
            _queueUpdatePending = false;
            _queueUpdateSentAt = TimeProvider.System.GetTimestamp();
            await GrainFactory.PublishAsync(QueueMessage());
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not tell the lobby the length of line {Line}", _key);
        }
    }

    private LobbyMessage QueueMessage() => LobbyMessage.ToOffice(_key.OfficeId, _office.FloorOf(_rules.Service, time.GetUtcNow()),
        new QueueUpdated(_key.OfficeId, _key.ServiceId, _rules.WaitingCount, _rules.EstimateWaitForNewTicket()));

    private LobbyMessage CalledMessage(TicketRecord ticket, bool recall)
    {
        var counter = _office.FindCounter(ticket.CounterId ?? "");
        var floor = counter is not null ? _office.FloorOf(counter, time.GetUtcNow()) : _office.FloorOf(_rules.Service, time.GetUtcNow());
        return LobbyMessage.ToOffice(_key.OfficeId, floor, new TicketCalled(_key.OfficeId, ticket.Number, _key.ServiceId,
            ticket.CounterId ?? "", counter?.Label ?? new LocalizedText(ticket.CounterId ?? "", ticket.CounterId ?? ""), floor,
            ticket.CalledAt ?? time.GetUtcNow(), recall, _rules.StepId(ticket)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Issued {Number} for {OfficeId}/{ServiceId} ({Priority})")]
    private static partial void LogIssued(ILogger logger, string number, string officeId, string serviceId, Priority priority);

    private TicketView View(TicketRecord t)
    {
        CounterRef? counter = null;
        if (t.CounterId is { } counterId && t.Status is TicketStatus.Called or TicketStatus.Serving
            && _office.FindCounter(counterId) is { } c)
            counter = new CounterRef(c.Id, c.Label, _office.FloorOf(c, time.GetUtcNow()));
        return new TicketView(t.Id, t.Number, _key.OfficeId, _key.ServiceId, t.Status, _rules.Position(t),
            _rules.EstimateWaitMinutes(t), _office.FloorOf(_rules.Service, time.GetUtcNow()), t.IssuedAt, counter,
            t.Status is TicketStatus.Called or TicketStatus.Serving ? t.CalledAt : null,
            _rules.StepId(t), t.Priority, t.Language, t.Recalls, _rules.Service.Name, t.Channel, t.UncollectedAt is not null);
    }
}

using CounterQueue.Domain.History;
using CounterQueue.Domain.Offices;

namespace CounterQueue.Domain.Tickets;

/// <summary>What a ticket line keeps: one service's tickets for one business day.</summary>
/// <remarks>
/// Stored as a small header (everything but <see cref="Tickets"/>) plus one record per ticket, so a change writes
/// the header and the tickets it touched (<see cref="TicketLine.TakeChanges"/>), not the whole day's line.
/// </remarks>
public sealed class TicketLineState
{
    /// <summary>The last number handed out today; never goes back, so numbers are never reused.</summary>
    public int LastNumber { get; set; }
    public long LastArrival { get; set; }
    public List<TicketRecord> Tickets { get; set; } = [];
    /// <summary>Recent measured service durations in seconds (see <see cref="WaitEstimator"/>).</summary>
    public List<double> RecentServiceSeconds { get; set; } = [];
    /// <summary>Counters open for this service today.</summary>
    public List<string> OpenCounters { get; set; } = [];
    /// <summary>For a temporary procedure's service: whether one of its scheduled sessions is running (it takes tickets only then).</summary>
    public bool SessionOpen { get; set; }
}

/// <summary>
/// The rules of one service's line for one day: numbering, call order, steps, moves between
/// lines and wait estimates. It changes <see cref="TicketLineState"/> in place; the caller persists it.
/// </summary>
public sealed class TicketLine
{
    private readonly TicketLineState _state;
    private ServiceDefinition _service;
    private readonly Dictionary<string, TicketRecord> _byId;
    /// <summary>Tickets changed since the last <see cref="TakeChanges"/>: what the next write must store.</summary>
    private readonly HashSet<TicketRecord> _changed = new(ReferenceEqualityComparer.Instance);
    /// <summary>What happened since the last <see cref="TakeEvents"/>, for the visit history (office and day filled in by the caller).</summary>
    private readonly List<VisitEvent> _events = [];
    /// <summary>Ready tickets nobody collected (未交付), for the processing desk.</summary>
    private readonly HashSet<TicketRecord> _uncollected = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Waiting tickets by step and priority class, each in call order, so finding the heads, counting who waits and a
    /// ticket's position cost the same however long the day's line has grown (finished tickets are never looked at).
    /// </summary>
    private readonly Dictionary<(int Step, Priority Priority), CallOrder> _waiting = [];
    /// <summary>The ticket called to or being served at each counter.</summary>
    private readonly Dictionary<string, TicketRecord> _atCounter = [];

    /// <summary>A waiting ticket's place in the call order: effective time, then arrival.</summary>
    private readonly record struct CallKey(DateTimeOffset EffectiveAt, long Arrival, string Id) : IComparable<CallKey>
    {
        public int CompareTo(CallKey other)
        {
            var c = EffectiveAt.CompareTo(other.EffectiveAt);
            if (c == 0) c = Arrival.CompareTo(other.Arrival);
            return c != 0 ? c : string.CompareOrdinal(Id, other.Id);
        }
    }

    /// <summary>A waiting ticket's key as it was when indexed (call order compares instants, so the offset does not matter).</summary>
    private static CallKey IndexedKey(TicketRecord ticket) =>
        new(new DateTimeOffset(ticket.IndexedEffectiveTicks, TimeSpan.Zero), ticket.IndexedArrival, ticket.Id);

    /// <summary>
    /// One class's waiting tickets in call order, the first and the last at hand (every answer asks for them: a new ticket's
    /// position is the last one's; a call takes the first).
    /// </summary>
    private sealed class CallOrder : IEnumerable<CallKey>
    {
        // In call order, in chunks of a few hundred keys (small arrays, never the large-object heap). Tickets almost always
        // join at the back (a new ticket is the latest) and leave from the front (a call): both touch only the last or the
        // first chunk. One that joins in the middle (a transfer keeping its time) is inserted into its chunk, which splits
        // when it grows past ChunkMax. A key is found by a binary search over the chunks' last keys, then in its chunk.
        // (A sorted set cost a tree walk and a node per ticket: 3 % of a ticket's CPU with tens of thousands waiting; one
        // list for all of them copied megabytes on each doubling, a GC pause in the benchmark's longest lines: issue #9.)
        private const int ChunkTarget = 256;
        private const int ChunkMax = 2 * ChunkTarget;
        private static readonly IComparer<CallKey> Order = Comparer<CallKey>.Default;
        private readonly List<List<CallKey>> _chunks = [];

        public int Count { get; private set; }
        /// <summary>The first in call order (undefined while empty).</summary>
        public CallKey Min => Count > 0 ? _chunks[0][0] : default;
        /// <summary>The last in call order (undefined while empty).</summary>
        public CallKey Max => Count > 0 ? _chunks[^1][^1] : default;

        public void Add(CallKey key)
        {
            if (Count == 0 || key.CompareTo(_chunks[^1][^1]) > 0) // joins at the back: the usual case
            {
                if (Count == 0 || _chunks[^1].Count >= ChunkTarget) _chunks.Add(new List<CallKey>(ChunkTarget));
                _chunks[^1].Add(key);
                Count++;
                return;
            }
            var c = ChunkFor(key);
            var chunk = _chunks[c];
            var at = chunk.BinarySearch(key, Order);
            if (at >= 0) return; // already there
            chunk.Insert(~at, key);
            Count++;
            if (chunk.Count <= ChunkMax) return;
            var upper = chunk.GetRange(ChunkTarget, chunk.Count - ChunkTarget);
            chunk.RemoveRange(ChunkTarget, upper.Count);
            _chunks.Insert(c + 1, upper);
        }

        public void Remove(CallKey key)
        {
            var c = ChunkFor(key);
            if (c == _chunks.Count) return;
            var chunk = _chunks[c];
            var at = chunk.BinarySearch(key, Order);
            if (at < 0) return;
            chunk.RemoveAt(at);
            Count--;
            if (chunk.Count == 0) _chunks.RemoveAt(c);
        }

        /// <summary>The first chunk whose last key is at or after <paramref name="key"/> (the chunks' count if none is).</summary>
        private int ChunkFor(CallKey key)
        {
            int low = 0, high = _chunks.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (_chunks[middle][^1].CompareTo(key) < 0) low = middle + 1;
                else high = middle;
            }
            return low;
        }

        /// <summary>How many come before <paramref name="key"/>, and whether it is there.</summary>
        private (int Before, bool Found) Rank(CallKey key)
        {
            var c = ChunkFor(key);
            var before = 0;
            for (var i = 0; i < c; i++) before += _chunks[i].Count;
            if (c == _chunks.Count) return (before, false);
            var at = _chunks[c].BinarySearch(key, Order);
            return at >= 0 ? (before + at, true) : (before + ~at, false);
        }

        /// <summary>How many are from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
        public int CountBetween(CallKey from, CallKey to)
        {
            if (from.CompareTo(to) > 0) return 0;
            var (last, found) = Rank(to);
            return last + (found ? 1 : 0) - Rank(from).Before;
        }

        public IEnumerator<CallKey> GetEnumerator()
        {
            foreach (var chunk in _chunks)
                foreach (var key in chunk)
                    yield return key;
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public TicketLine(TicketLineState state, ServiceDefinition service)
    {
        _state = state;
        _service = service;
        _byId = state.Tickets.ToDictionary(t => t.Id);
        foreach (var ticket in state.Tickets) Reindex(ticket);
    }

    /// <summary>Brings the indexes up to date with a ticket that was added, changed or replaced.</summary>
    private void Reindex(TicketRecord ticket)
    {
        if (ticket.IndexedBy == this) // where it was indexed (TicketRecord.IndexedBy)
        {
            _waiting[(ticket.IndexedStep, ticket.IndexedPriority)].Remove(IndexedKey(ticket));
            ticket.IndexedBy = null;
        }
        if (_atCounter.Count > 0) // a counter or two per line: no LINQ on the path of every ticket
        {
            string? at = null;
            foreach (var (counter, held) in _atCounter)
                if (held == ticket) { at = counter; break; }
            if (at is not null) _atCounter.Remove(at); // a ticket is at one counter at most
        }
        _uncollected.Remove(ticket);
        if (_byId.GetValueOrDefault(ticket.Id) != ticket) return; // no longer in this line
        if (ticket.Status == TicketStatus.Waiting && ticket.UncollectedAt is not null)
        {
            _uncollected.Add(ticket); // waits for staff, not for a counter
        }
        else if (ticket.Status == TicketStatus.Waiting)
        {
            var place = (ticket.Step, ticket.Priority);
            if (!_waiting.TryGetValue(place, out var set)) _waiting[place] = set = new CallOrder();
            set.Add(new CallKey(ticket.EffectiveAt, ticket.Arrival, ticket.Id));
            (ticket.IndexedBy, ticket.IndexedStep, ticket.IndexedPriority) = (this, ticket.Step, ticket.Priority);
            (ticket.IndexedEffectiveTicks, ticket.IndexedArrival) = (ticket.EffectiveAt.UtcTicks, ticket.Arrival);
        }
        else if (ticket.Status is TicketStatus.Called or TicketStatus.Serving && ticket.CounterId is { } counterId)
        {
            _atCounter[counterId] = ticket;
        }
    }

    /// <summary>The ticket called to (or being served at) a counter, if any.</summary>
    public TicketRecord? AtCounter(string counterId) => _atCounter.GetValueOrDefault(counterId);

    private IEnumerable<CallOrder> WaitingSets(Priority priority, IReadOnlyCollection<string>? steps) =>
        _waiting.Where(w => w.Key.Priority == priority && IsCallableStep(w.Key.Step, steps)).Select(w => w.Value);

    /// <summary>The service's definition changed (an administrator edited the office): the line keeps its tickets.</summary>
    public void Redefine(ServiceDefinition service) => _service = service;

    /// <summary>The tickets changed since the last call, for the caller to persist with the header; the set starts again.</summary>
    public IReadOnlyList<TicketRecord> TakeChanges()
    {
        if (_changed.Count == 0) return [];
        var changed = new List<TicketRecord>(_changed.Count); // a loop, not LINQ: every change of every line comes here
        foreach (var t in _changed)
            if (_byId.TryGetValue(t.Id, out var current) && ReferenceEquals(current, t)) changed.Add(t); // not one replaced since
        _changed.Clear();
        return changed;
    }

    /// <summary>The events since the last call (see <see cref="VisitEvent"/>), to append to the history with the write.</summary>
    public IReadOnlyList<VisitEvent> TakeEvents()
    {
        if (_events.Count == 0) return [];
        var events = _events.ToList();
        _events.Clear();
        return events;
    }

    private void Record(string kind, TicketRecord ticket, DateTimeOffset at, int? step = null, string? toServiceId = null) =>
        _events.Add(new VisitEvent(kind, at, "", default, _service.Id, ticket.Id, ticket.Number, ticket.CounterId, null,
            StepIdAt(step ?? ticket.Step), toServiceId, ticket.Channel, ticket.Priority == Priority.Assisted));

    private string StepIdAt(int step) => _service.Steps[Math.Min(step, _service.Steps.Count - 1)].Id;

    /// <summary>A write of these changes failed: they are still to be stored.</summary>
    public void ReturnChanges(IEnumerable<TicketRecord> tickets) => _changed.UnionWith(tickets.Where(t => _byId.GetValueOrDefault(t.Id) == t));

    private TicketRecord Changed(TicketRecord ticket)
    {
        _changed.Add(ticket);
        Reindex(ticket);
        return ticket;
    }

    public ServiceDefinition Service => _service;
    public IReadOnlyList<TicketRecord> Tickets => _state.Tickets;
    public int OpenCounterCount => _state.OpenCounters.Count;

    /// <summary>Opens or ends a temporary service's session; true if that changed anything.</summary>
    public bool SetSessionOpen(bool open)
    {
        if (_state.SessionOpen == open) return false;
        _state.SessionOpen = open;
        return true;
    }

    public bool SessionOpen => _state.SessionOpen;

    public TicketRecord? Find(string ticketId) => _byId.GetValueOrDefault(ticketId);

    public TicketRecord Require(string ticketId) => Find(ticketId)
        ?? throw QueueRuleException.NotFound(ProblemCodes.TicketNotFound, "No such ticket.");

    /// <summary>Issues a new ticket. Issuing the same id again returns the first ticket (idempotent).</summary>
    /// <param name="servedFrom">
    /// When the ticket counts from in the line, if not now: a checked-in booking's slot start (予約), ahead of walk-ins
    /// who came after it, never ahead of anyone already called; a start still to come is not called before it.
    /// </param>
    public TicketRecord Issue(string ticketId, Priority priority, string? language, DateTimeOffset now, DateTimeOffset? servedFrom = null, string? channel = null)
    {
        if (Find(ticketId) is { } existing) return existing;
        var ticket = new TicketRecord
        {
            Id = ticketId,
            Number = TicketNumbering.Format(_service.TicketPrefix, ++_state.LastNumber),
            ServiceId = _service.Id,
            IssuedAt = now,
            EffectiveAt = servedFrom ?? now,
            Arrival = ++_state.LastArrival,
            Priority = priority,
            Language = language,
            Channel = channel,
            Status = TicketStatus.Waiting,
            WaitingSince = now,
        };
        Add(ticket);
        Record(VisitEventKinds.Issued, ticket, now);
        return ticket;
    }

    /// <summary>
    /// Takes in a ticket moved from another line (回付 or a guide's redirect). It keeps its number and
    /// its effective time, so it does not go to the back; it starts at this service's first step.
    /// Accepting the same ticket twice changes nothing.
    /// </summary>
    public TicketRecord Accept(TicketRecord moved, DateTimeOffset now)
    {
        if (Find(moved.Id) is { } existing)
        {
            if (existing.Status != TicketStatus.Moved) return existing;
            _state.Tickets.Remove(existing); // it comes back to a line it left earlier
            _byId.Remove(existing.Id);
            Reindex(existing);
        }
        var ticket = new TicketRecord
        {
            Id = moved.Id,
            Number = moved.Number,
            ServiceId = _service.Id,
            IssuedAt = moved.IssuedAt,
            EffectiveAt = moved.EffectiveAt,
            Arrival = ++_state.LastArrival,
            Priority = moved.Priority,
            Language = moved.Language,
            Status = TicketStatus.Waiting,
            WaitingSince = now,
            OriginServiceId = moved.OriginServiceId ?? moved.ServiceId,
        };
        Add(ticket);
        return ticket;
    }

    private void Add(TicketRecord ticket)
    {
        _state.Tickets.Add(ticket);
        _byId[ticket.Id] = ticket;
        Changed(ticket);
    }

    /// <summary>Waiting tickets a counter can call, optionally only at some steps.</summary>
    public IEnumerable<TicketRecord> Callable(IReadOnlyCollection<string>? steps = null) =>
        WaitingSets(Priority.Assisted, steps).Concat(WaitingSets(Priority.Normal, steps)).SelectMany(set => set).Select(k => _byId[k.Id]);

    private bool IsCallableStep(int step, IReadOnlyCollection<string>? steps) =>
        step < _service.Steps.Count
        && _service.Steps[step].Kind == StepKind.Counter
        && (steps is null || steps.Contains(_service.Steps[step].Id));

    /// <summary>The oldest waiting assisted ticket and the oldest waiting normal ticket.</summary>
    /// <param name="now">Given, a ticket that counts from a later time (a booking checked in early) is not a head yet.</param>
    public (TicketRecord? Assisted, TicketRecord? Normal) Heads(IReadOnlyCollection<string>? steps = null, DateTimeOffset? now = null)
    {
        TicketRecord? Head(Priority priority)
        {
            CallKey? head = null;
            foreach (var (place, set) in _waiting)
                if (place.Priority == priority && set.Count > 0 && IsCallableStep(place.Step, steps)
                    && (now is null || set.Min.EffectiveAt <= now) // the set's earliest; all others are later still
                    && (head is null || set.Min.CompareTo(head.Value) < 0)) head = set.Min;
            return head is { } key ? _byId[key.Id] : null;
        }
        return (Head(Priority.Assisted), Head(Priority.Normal));
    }


    /// <summary>
    /// Calls a ticket to a counter: the preferred one if it still waits, otherwise the head of the
    /// same priority class, otherwise the head of the other class. Null when nothing waits.
    /// </summary>
    public TicketRecord? Take(string? preferredTicketId, Priority preferredClass, string counterId,
        DateTimeOffset now, IReadOnlyCollection<string>? steps = null)
    {
        var ticket = preferredTicketId is not null && Find(preferredTicketId) is { Status: TicketStatus.Waiting } p
                     && IsCallableStep(p.Step, steps) && p.EffectiveAt <= now
            ? p
            : null;
        if (ticket is null)
        {
            var (assisted, normal) = Heads(steps, now);
            ticket = preferredClass == Priority.Assisted ? assisted ?? normal : normal ?? assisted;
        }
        if (ticket is null) return null;
        ticket.Status = TicketStatus.Called;
        ticket.CounterId = counterId;
        ticket.CalledAt = now;
        ticket.StartedAt = null;
        ticket.Recalls = 0;
        Record(VisitEventKinds.Called, ticket, now);
        return Changed(ticket);
    }

    private TicketRecord RequireAtCounter(string ticketId, string counterId, params TicketStatus[] allowed)
    {
        var ticket = Require(ticketId);
        if (ticket.CounterId != counterId || !allowed.Contains(ticket.Status))
            throw QueueRuleException.Conflict(ProblemCodes.TicketNotAtCounter,
                $"Ticket {ticket.Number} is {ticket.Status.ToString().ToLowerInvariant()}, not {string.Join(" or ", allowed).ToLowerInvariant()} at this counter.");
        return ticket;
    }

    public TicketRecord Recall(string ticketId, string counterId, DateTimeOffset now)
    {
        var ticket = RequireAtCounter(ticketId, counterId, TicketStatus.Called, TicketStatus.Serving);
        ticket.Recalls++;
        Record(VisitEventKinds.Recalled, ticket, now);
        return Changed(ticket);
    }

    /// <summary>The visitor arrived at the counter (called → serving). Starting twice is harmless.</summary>
    public TicketRecord Start(string ticketId, string counterId, DateTimeOffset now)
    {
        var ticket = RequireAtCounter(ticketId, counterId, TicketStatus.Called, TicketStatus.Serving);
        if (ticket.Status == TicketStatus.Called)
        {
            ticket.Status = TicketStatus.Serving;
            ticket.StartedAt = now;
            Record(VisitEventKinds.Started, ticket, now);
            Changed(ticket);
        }
        return ticket;
    }

    /// <summary>
    /// Finishes the current step: the ticket is done, or goes on to the service's next step
    /// where it waits again with its number.
    /// </summary>
    public TicketRecord Complete(string ticketId, string counterId, DateTimeOffset now)
    {
        var ticket = RequireAtCounter(ticketId, counterId, TicketStatus.Called, TicketStatus.Serving);
        WaitEstimator.Record(_state.RecentServiceSeconds, now - (ticket.StartedAt ?? ticket.CalledAt ?? now));
        var last = ticket.Step + 1 >= _service.Steps.Count;
        Record(!last
                ? _service.Steps[ticket.Step + 1].Kind == StepKind.Processing ? VisitEventKinds.SentToProcessing : VisitEventKinds.StepCompleted
                : _service.Steps.Take(ticket.Step).Any(s => s.Kind == StepKind.Processing) ? VisitEventKinds.PickedUp : VisitEventKinds.Completed,
            ticket, now);
        if (!last)
        {
            ticket.Step++;
            ticket.Status = TicketStatus.Waiting;
            ticket.CounterId = null;
            ticket.CalledAt = null;
            ticket.StartedAt = null;
            ticket.WaitingSince = now;
        }
        else
        {
            ticket.Status = TicketStatus.Done;
            ticket.FinishedAt = now;
        }
        return Changed(ticket);
    }

    /// <summary>The visitor did not come when called (不在).</summary>
    public TicketRecord NoShow(string ticketId, string counterId, DateTimeOffset now)
    {
        var ticket = RequireAtCounter(ticketId, counterId, TicketStatus.Called);
        ticket.Status = TicketStatus.NoShow;
        ticket.FinishedAt = now;
        Record(VisitEventKinds.NoShow, ticket, now);
        return Changed(ticket);
    }

    /// <summary>The visitor gives up. A ticket already at the counter or finished cannot be cancelled.</summary>
    public TicketRecord Cancel(string ticketId, DateTimeOffset now)
    {
        var ticket = Require(ticketId);
        if (ticket.Status is not (TicketStatus.Waiting or TicketStatus.Called))
            throw QueueRuleException.Conflict(ProblemCodes.TicketFinished, $"Ticket {ticket.Number} can no longer be cancelled.");
        ticket.Status = TicketStatus.Cancelled;
        ticket.FinishedAt = now;
        Record(VisitEventKinds.Cancelled, ticket, now);
        return Changed(ticket);
    }

    /// <summary>
    /// Processing finished (審査済): the ticket goes on to its next step, e.g. pick-up (交付). An uncollected ticket
    /// (未交付) made ready again goes back on the board, as if it had just become ready.
    /// </summary>
    public TicketRecord Ready(string ticketId, DateTimeOffset now)
    {
        var ticket = Require(ticketId);
        if (ticket is { Status: TicketStatus.Waiting, UncollectedAt: not null })
        {
            ticket.UncollectedAt = null;
            ticket.PickupRecalledAt = null;
            ticket.ReadyAt = now;
            ticket.WaitingSince = now;
            Record(VisitEventKinds.Ready, ticket, now);
            return Changed(ticket);
        }
        if (ticket.Status != TicketStatus.Waiting || _service.Steps[ticket.Step].Kind != StepKind.Processing)
            throw QueueRuleException.Conflict(ProblemCodes.TicketNotProcessing, $"Ticket {ticket.Number} is not being processed.");
        Record(VisitEventKinds.Ready, ticket, now);
        ticket.ReadyAt = now;
        ticket.WaitingSince = now;
        if (ticket.Step + 1 < _service.Steps.Count) ticket.Step++;
        else
        {
            ticket.Status = TicketStatus.Done;
            ticket.FinishedAt = now;
        }
        return Changed(ticket);
    }

    /// <summary>
    /// Marks a ticket as moved to another line and returns a copy to hand over. A counter moves the
    /// ticket it has in hand (回付); a guide moves a waiting one (redirect). Moving it again to the
    /// same line returns the same copy.
    /// </summary>
    public TicketRecord MoveOut(string ticketId, string toServiceId, string? counterId, DateTimeOffset now)
    {
        var ticket = Require(ticketId);
        if (ticket.Status == TicketStatus.Moved && ticket.MovedToServiceId == toServiceId) return ticket.Clone();
        if (toServiceId == _service.Id)
            throw QueueRuleException.Invalid(ProblemCodes.SameService, "The ticket already belongs to that service.");
        var allowed = counterId is null
            ? ticket.Status == TicketStatus.Waiting
            : ticket.CounterId == counterId && ticket.Status is TicketStatus.Called or TicketStatus.Serving;
        if (!allowed)
            throw QueueRuleException.Conflict(counterId is null ? ProblemCodes.TicketNotWaiting : ProblemCodes.TicketNotAtCounter,
                counterId is null
                    ? $"Only a waiting ticket can be redirected; {ticket.Number} is {ticket.Status.ToString().ToLowerInvariant()}."
                    : $"Ticket {ticket.Number} is not at this counter.");
        var copy = ticket.Clone();
        Record(counterId is null ? VisitEventKinds.Redirected : VisitEventKinds.Transferred, ticket, now, toServiceId: toServiceId);
        ticket.Status = TicketStatus.Moved;
        ticket.MovedToServiceId = toServiceId;
        ticket.CounterId = counterId ?? ticket.CounterId;
        Changed(ticket);
        return copy;
    }

    /// <summary>Tickets before this one in the call order (0 = next), for a waiting ticket at a counter step.</summary>
    public int Position(TicketRecord ticket)
    {
        if (ticket.Status != TicketStatus.Waiting || !IsCallableStep(ticket.Step, null) || ticket.IndexedBy != this) return 0;
        var key = IndexedKey(ticket);
        var ahead = ticket.Priority == Priority.Normal ? _waiting.GetValueOrDefault((ticket.Step, Priority.Assisted))?.Count ?? 0 : 0;
        var set = _waiting[(ticket.IndexedStep, ticket.IndexedPriority)];
        // The newest ticket (its own answer when issued) and the next to be called need no counting.
        if (key.CompareTo(set.Max) == 0) return ahead + set.Count - 1;
        if (key.CompareTo(set.Min) == 0) return ahead;
        // Count from the nearer end of the line: a new ticket's position costs as little as the next one's.
        var nearerTheBack = key.Arrival * 2 > set.Min.Arrival + set.Max.Arrival;
        var before = nearerTheBack
            ? set.Count - set.CountBetween(key, set.Max)
            : set.CountBetween(set.Min, key) - 1;
        return ahead + before;
    }

    public int WaitingCount
    {
        get
        {
            var count = 0;
            foreach (var (place, set) in _waiting)
                if (IsCallableStep(place.Step, null)) count += set.Count;
            return count;
        }
    }

    /// <summary>Tickets whose processing is done and that wait to be picked up (交付待ち), the earliest ready first.</summary>
    public IEnumerable<TicketRecord> ReadyForPickup() =>
        _waiting.Values.SelectMany(set => set).Select(k => _byId[k.Id]).Where(t => t.ReadyAt is not null).OrderBy(t => t.ReadyAt);

    /// <summary>Ready tickets nobody collected (未交付), the earliest marked first.</summary>
    public IEnumerable<TicketRecord> Uncollected() => _uncollected.OrderBy(t => t.UncollectedAt);

    /// <summary>Tickets at a processing step (審査中), the longest waiting first.</summary>
    public IEnumerable<TicketRecord> InProcessing() =>
        _waiting.Where(w => w.Key.Step < _service.Steps.Count && _service.Steps[w.Key.Step].Kind == StepKind.Processing)
            .SelectMany(w => w.Value).Select(k => _byId[k.Id]).OrderBy(t => t.WaitingSince);

    /// <summary>
    /// Ready tickets nobody came for: shown on the display again once <paramref name="recallAfter"/> has passed since they
    /// became ready, and marked uncollected (off the board, not called; listed for staff) once
    /// <paramref name="uncollectedAfter"/> has. Returns the tickets changed, each with whether it was marked uncollected.
    /// </summary>
    public IReadOnlyList<(TicketRecord Ticket, bool Uncollected)> SweepPickups(DateTimeOffset now, TimeSpan recallAfter, TimeSpan uncollectedAfter)
    {
        var changed = new List<(TicketRecord, bool)>();
        foreach (var ticket in ReadyForPickup().Where(t => t.Status == TicketStatus.Waiting).ToList())
        {
            var waited = now - ticket.ReadyAt!.Value;
            if (waited >= uncollectedAfter)
            {
                ticket.UncollectedAt = now;
                Record(VisitEventKinds.Uncollected, ticket, now);
                changed.Add((Changed(ticket), true));
            }
            else if (waited >= recallAfter && ticket.PickupRecalledAt is null)
            {
                ticket.PickupRecalledAt = now;
                Record(VisitEventKinds.PickupRecalled, ticket, now);
                changed.Add((Changed(ticket), false));
            }
        }
        return changed;
    }

    public double AverageServiceMinutes => WaitEstimator.AverageServiceMinutes(_state.RecentServiceSeconds, _service.DefaultServiceMinutes);

    /// <summary>Estimated minutes until the ticket is called; 0 once it has been.</summary>
    public int EstimateWaitMinutes(TicketRecord ticket)
    {
        if (ticket.Status != TicketStatus.Waiting) return 0;
        if (!IsCallableStep(ticket.Step, null)) return (int)Math.Ceiling(AverageServiceMinutes);
        return WaitEstimator.EstimateMinutes(Position(ticket), AverageServiceMinutes, OpenCounterCount);
    }

    /// <summary>Estimated minutes for a ticket issued now.</summary>
    public int EstimateWaitForNewTicket() =>
        WaitEstimator.EstimateMinutes(WaitingCount, AverageServiceMinutes, OpenCounterCount);

    /// <summary>Records that a counter opened or closed for this service. Returns whether anything changed.</summary>
    public bool SetCounterOpen(string counterId, bool open)
    {
        var isOpen = _state.OpenCounters.Contains(counterId);
        if (open == isOpen) return false;
        if (open) _state.OpenCounters.Add(counterId);
        else _state.OpenCounters.Remove(counterId);
        return true;
    }

    public string StepId(TicketRecord ticket) =>
        ticket.Step < _service.Steps.Count ? _service.Steps[ticket.Step].Id : _service.Steps[^1].Id;
}

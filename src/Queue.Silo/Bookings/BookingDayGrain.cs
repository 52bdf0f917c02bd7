using CounterQueue.Domain;
using CounterQueue.Domain.Bookings;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.Tickets;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;
using Microsoft.Extensions.Logging;

namespace CounterQueue.Silo.Bookings;

/// <summary>
/// Thin: holds one service's bookings of one day, applies <see cref="BookingDay"/>'s rules and persists before it
/// answers. Not reentrant, so visitors booking the last place at once are taken one after another and exactly the
/// capacity succeed.
/// </summary>
public sealed class BookingDayGrain(
    [PersistentState("bookingDay", StorageNames.Queue)] IPersistentState<BookingDayState> state,
    TimeProvider time,
    History.IVisitHistory history,
    ILogger<BookingDayGrain> logger) : Grain, IBookingDayGrain
{
    private static readonly TimeSpan RefreshOfficeAfter = TimeSpan.FromMinutes(1);
    private BookingDayKey _key;
    private OfficeDefinition _office = null!;
    private DateTimeOffset _officeLoadedAt;
    private bool _holdsConfirmed;
    private bool _contactRemembered;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = BookingDayKey.Parse(this.GetPrimaryKeyString());
        _office = await GrainFactory.GetGrain<IOfficeGrain>(_key.OfficeId).GetAsync()
                  ?? throw QueueRuleException.NotFound(ProblemCodes.OfficeNotFound, $"There is no office '{_key.OfficeId}'.");
        _officeLoadedAt = time.GetUtcNow();
    }

    /// <summary>The rules over the office's definition, read again once a minute (an administrator may change the slots).</summary>
    private async Task<BookingDay> DayAsync()
    {
        if (time.GetUtcNow() - _officeLoadedAt > RefreshOfficeAfter)
        {
            _office = await GrainFactory.GetGrain<IOfficeGrain>(_key.OfficeId).GetAsync() ?? _office;
            _officeLoadedAt = time.GetUtcNow();
        }
        var service = _office.RequireService(_key.ServiceId);
        if (!service.Bookable) throw QueueRuleException.Conflict(ProblemCodes.ServiceNotBookable, $"'{service.Id}' cannot be booked; take a ticket at the office.");
        // After a restart, a consultation booking stored just before its holds were confirmed keeps its room: confirm again.
        if (!_holdsConfirmed)
        {
            _holdsConfirmed = true;
            await ConfirmAsync(state.State.Bookings.Where(b => b.Status is BookingStatus.Booked or BookingStatus.CheckedIn).ToList());
        }
        return new BookingDay(state.State, _key.Day, _office.Hours, service.Booking ?? new SlotPolicy());
    }

    public async Task<IReadOnlyList<SlotAvailability>> SlotsAsync(string? sectionId = null)
    {
        var day = await DayAsync();
        if (Consultation() is not { } consultation) return day.Availability(time.GetUtcNow());
        // A consultation's slot is offered only while a room, and (given the topic's section) one of its staff, is free.
        var rooms = RoomUnits();
        var roomHolds = await RoomPool().HoldsAsync();
        IReadOnlyList<ResourceHold>? staffHolds = null;
        IReadOnlyList<string> staff = [];
        if (sectionId is not null)
        {
            staff = await StaffUnitsAsync(consultation, sectionId);
            staffHolds = await SectionPool(consultation.WardOfficeId, sectionId).HoldsAsync();
        }
        return day.Availability(time.GetUtcNow(), slot => Math.Min(
            ResourcePool.FreeCount(roomHolds, rooms, slot.Start, slot.End),
            staffHolds is null ? int.MaxValue : ResourcePool.FreeCount(staffHolds, staff, slot.Start, slot.End)));
    }

    public async Task<BookingView> BookAsync(BookCommand command)
    {
        if (BookingId.Day(command.BookingId) != _key)
            throw QueueRuleException.Invalid(ProblemCodes.Validation, "The booking id does not belong to this service's day.");
        var day = await DayAsync();
        if (day.Find(command.BookingId) is { } existing) return View(existing); // a retry of the same booking
        var consultation = Consultation();
        if (consultation is null && command.SectionId is not null)
            throw QueueRuleException.Invalid(ProblemCodes.Validation, "'sectionId' is only for a branch consultation.");
        var slot = day.Bookable(command.Start, time.GetUtcNow());
        var code = await ClaimCodeAsync(command.BookingId);
        ConsultationHolds? holds = null;
        if (consultation is not null) holds = await HoldAsync(consultation, command, slot, code);
        try
        {
            var booking = day.Book(command.BookingId, code, command.Start, time.GetUtcNow(), command.Contact, command.Language, holds);
            await WriteAsync(() => state.State.Bookings.Remove(booking), Event(Domain.History.VisitEventKinds.Booked, booking));
            logger.LogInformation("Booked {OfficeId}/{ServiceId} at {Start:yyyy-MM-dd HH:mm}", _key.OfficeId, _key.ServiceId, CounterQueue.Domain.Calendar.Tokyo.ToLocal(booking.Start));
            if (command.Contact is not null) await RememberContactAsync();
            if (holds is not null) await ConfirmAsync([booking]);
            return View(booking);
        }
        catch when (holds is not null)
        {
            await ReleaseAsync(command.BookingId, holds);
            throw;
        }
    }

    private ConsultationPolicy? Consultation() => _office.FindService(_key.ServiceId)?.Booking?.Consultation;

    private IReadOnlyList<string> RoomUnits() => _office.Rooms.Select(r => r.Id).ToList();

    private IResourcePoolGrain RoomPool() => GrainFactory.GetGrain<IResourcePoolGrain>(ResourcePoolKey.RoomsOf(_key.OfficeId, _key.Day).ToGrainKey());

    private IResourcePoolGrain SectionPool(string wardOfficeId, string sectionId) =>
        GrainFactory.GetGrain<IResourcePoolGrain>(ResourcePoolKey.SectionOf(wardOfficeId, sectionId, _key.Day).ToGrainKey());

    /// <summary>The staff places of a topic's ward section ("1", "2", … up to its outreach staff), or a 400 for a section the consultation does not offer.</summary>
    private async Task<IReadOnlyList<string>> StaffUnitsAsync(ConsultationPolicy consultation, string sectionId)
    {
        if (!consultation.SectionIds.Contains(sectionId))
            throw QueueRuleException.Invalid(ProblemCodes.Validation, $"'sectionId' must be one of this consultation's sections: {string.Join(", ", consultation.SectionIds)}.");
        var ward = await GrainFactory.GetGrain<IOfficeGrain>(consultation.WardOfficeId).GetAsync();
        var count = ward?.FindSection(sectionId)?.OutreachStaff ?? 0;
        return Enumerable.Range(1, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>Holds a room, then one of the section's staff (letting the room go if no staff member is free): both or a 409.</summary>
    private async Task<ConsultationHolds> HoldAsync(ConsultationPolicy consultation, BookCommand command, Slot slot, string code)
    {
        var sectionId = command.SectionId ?? throw QueueRuleException.Invalid(ProblemCodes.Validation,
            $"'sectionId' is required for a consultation: one of {string.Join(", ", consultation.SectionIds)}.");
        var staff = await StaffUnitsAsync(consultation, sectionId);
        var request = new ResourceHold
        {
            BookingId = command.BookingId, Unit = "", Start = slot.Start, End = slot.End, HeldAt = time.GetUtcNow(),
            OfficeId = _key.OfficeId, ServiceId = _key.ServiceId, Code = code, Partner = sectionId,
        };
        var room = await RoomPool().HoldAsync(request, RoomUnits())
                   ?? throw QueueRuleException.Conflict(ProblemCodes.RoomUnavailable, "Every consultation room is taken at that time; choose another slot.");
        var place = await SectionPool(consultation.WardOfficeId, sectionId).HoldAsync(request with { Partner = room.Unit }, staff);
        if (place is null)
        {
            await RoomPool().ReleaseAsync(command.BookingId);
            throw QueueRuleException.Conflict(ProblemCodes.SectionUnavailable, "No staff of that section can come to the branch at that time; choose another slot.");
        }
        return new ConsultationHolds(room.Unit, consultation.WardOfficeId, sectionId, place.Unit);
    }

    /// <summary>Confirms the holds of stored consultation bookings: one call per pool.</summary>
    private async Task ConfirmAsync(IReadOnlyList<BookingRecord> bookings)
    {
        var withHolds = bookings.Where(b => b.Consultation is not null).ToList();
        if (withHolds.Count == 0) return;
        try
        {
            var calls = new List<Task> { RoomPool().ConfirmAsync(withHolds.Select(b => HoldOf(b, b.Consultation!.RoomId, b.Consultation.SectionId)).ToList()) };
            calls.AddRange(withHolds.GroupBy(b => (b.Consultation!.WardOfficeId, b.Consultation.SectionId)).Select(g =>
                SectionPool(g.Key.WardOfficeId, g.Key.SectionId).ConfirmAsync(g.Select(b => HoldOf(b, b.Consultation!.StaffPlace, b.Consultation.RoomId)).ToList())));
            await Task.WhenAll(calls);
            _holdsConfirmed = true;
        }
        catch (Exception e)
        {
            // The booking stands; its holds are confirmed again the next time this day is used.
            _holdsConfirmed = false;
            logger.LogWarning(e, "Could not confirm consultation holds at {OfficeId}/{ServiceId}", _key.OfficeId, _key.ServiceId);
        }
    }

    private ResourceHold HoldOf(BookingRecord b, string unit, string partner) => new()
    {
        BookingId = b.Id, Unit = unit, Start = b.Start, End = b.End, HeldAt = time.GetUtcNow(), Confirmed = true,
        OfficeId = _key.OfficeId, ServiceId = _key.ServiceId, Code = b.Code, Partner = partner,
    };

    private async Task ReleaseAsync(string bookingId, ConsultationHolds holds) =>
        await Task.WhenAll(RoomPool().ReleaseAsync(bookingId), SectionPool(holds.WardOfficeId, holds.SectionId).ReleaseAsync(bookingId));

    /// <summary>Tells the office's contact register that this day holds contact details to forget later (once per activation).</summary>
    private async Task RememberContactAsync()
    {
        if (_contactRemembered) return;
        await GrainFactory.GetGrain<IContactRetentionGrain>(_key.OfficeId).RememberAsync(_key.ServiceId, _key.Day);
        _contactRemembered = true;
    }

    /// <summary>A confirmation code no other booking of the office holds (claimed before the booking is stored).</summary>
    private async Task<string> ClaimCodeAsync(string bookingId)
    {
        for (var attempt = 0; ; attempt++)
        {
            var code = ConfirmationCode.New();
            if (await GrainFactory.GetGrain<IBookingCodeGrain>(BookingCodeKey(_key.OfficeId, code)).ClaimAsync(bookingId)) return code;
            if (attempt == 8) throw new InvalidOperationException("Could not find a free confirmation code.");
        }
    }

    public static string BookingCodeKey(string officeId, string code) => $"{officeId}/{code}";

    public Task<BookingView?> GetAsync(string bookingId) =>
        Task.FromResult(state.State.Bookings.FirstOrDefault(b => b.Id == bookingId) is { } booking ? View(booking) : null);

    public async Task<BookingView> CancelAsync(string bookingId)
    {
        var before = state.State.Bookings.FirstOrDefault(b => b.Id == bookingId);
        var day = await DayAsync();
        var cancelled = day.Cancel(bookingId, time.GetUtcNow());
        if (!ReferenceEquals(before, cancelled))
        {
            await WriteAsync(() => state.State.Bookings[state.State.Bookings.IndexOf(cancelled)] = before!,
                Event(Domain.History.VisitEventKinds.BookingCancelled, cancelled));
            logger.LogInformation("Booking cancelled at {OfficeId}/{ServiceId}", _key.OfficeId, _key.ServiceId);
        }
        // The room and the section's staff are free again at once (again on a repeated cancel, should the first release have failed).
        if (cancelled.Consultation is { } holds) await ReleaseAsync(bookingId, holds);
        return View(cancelled);
    }

    public async Task<CheckInResult> CheckInAsync(string bookingId)
    {
        var before = state.State.Bookings.FirstOrDefault(b => b.Id == bookingId);
        var day = await DayAsync();
        var line = _key.Line;
        var (booking, outcome) = day.CheckIn(bookingId, time.GetUtcNow(), () => TicketId.New(line));
        if (!ReferenceEquals(before, booking))
            await WriteAsync(() => state.State.Bookings[state.State.Bookings.IndexOf(booking)] = before!, // the ticket's id is durable first
                Event(Domain.History.VisitEventKinds.CheckedIn, booking) with { Channel = outcome.ToString() });
        // Issuing is idempotent by the ticket's id: a retry after a crash here gives the same ticket.
        var ticket = await GrainFactory.GetGrain<ITicketLineGrain>(line.ToGrainKey())
            .IssueAsync(new IssueTicket(booking.TicketId!, Priority.Normal, booking.Language, booking.ServedFrom, Channel: "booking"));
        logger.LogInformation("Booking at {OfficeId}/{ServiceId} checked in ({Outcome}) as {Number}", _key.OfficeId, _key.ServiceId, outcome, ticket.Number);
        return new CheckInResult(ticket, View(booking), outcome);
    }

    public Task<IReadOnlyList<BookingStaffView>> ListAsync()
    {
        var now = time.GetUtcNow();
        return Task.FromResult<IReadOnlyList<BookingStaffView>>(state.State.Bookings.OrderBy(b => b.Start).ThenBy(b => b.BookedAt)
            .Select(b =>
            {
                var view = View(b);
                return new BookingStaffView(view, view.Status == BookingStatus.Booked && now > b.Start, b.CheckedInAt, b.TicketId,
                    b.ServedFrom is { } from && from == b.Start, b.Contact);
            }).ToList());
    }

    public async Task<ContactsForgotten> ForgetContactsAsync(DateTimeOffset before)
    {
        var saved = state.State.Bookings.ToList();
        var forgotten = new BookingDay(state.State, _key.Day, _office.Hours, new SlotPolicy()).ForgetContacts(before);
        if (forgotten > 0)
        {
            await WriteAsync(() => state.State.Bookings = saved);
            logger.LogInformation("Forgot the contact details of {Count} bookings at {OfficeId}/{ServiceId} on {Day}", forgotten, _key.OfficeId, _key.ServiceId, _key.Day);
        }
        return new ContactsForgotten(forgotten, state.State.Bookings.Count(b => b.Contact is not null));
    }

    /// <summary>Persists; if that fails, undoes the change in memory and leaves, so the next activation reads what is durable.</summary>
    /// <summary>A booking's event for the history (来庁記録): of its slot's day, never its contact details.</summary>
    private Domain.History.VisitEvent Event(string kind, BookingRecord booking) =>
        new(kind, time.GetUtcNow(), _key.OfficeId, _key.Day, _key.ServiceId, booking.Id, Staff: History.ActingStaff.Current);

    private async Task WriteAsync(Action undo, Domain.History.VisitEvent? happened = null)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            undo();
            DeactivateOnIdle();
            throw;
        }
        if (happened is not null) await history.AppendAsync([happened]); // after the booking is stored: no event for a write that failed
    }

    private BookingView View(BookingRecord b) =>
        new(b.Id, b.Code, _key.OfficeId, _key.ServiceId, b.Start, b.End, b.StatusAt(time.GetUtcNow()), b.Language,
            b.Consultation?.RoomId, b.Consultation?.SectionId);
}

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
    ILogger<BookingDayGrain> logger) : Grain, IBookingDayGrain
{
    private static readonly TimeSpan RefreshOfficeAfter = TimeSpan.FromMinutes(1);
    private BookingDayKey _key;
    private OfficeDefinition _office = null!;
    private DateTimeOffset _officeLoadedAt;

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
        return new BookingDay(state.State, _key.Day, _office.Hours, service.Booking ?? new SlotPolicy());
    }

    public async Task<IReadOnlyList<SlotAvailability>> SlotsAsync() => (await DayAsync()).Availability(time.GetUtcNow());

    public async Task<BookingView> BookAsync(BookCommand command)
    {
        if (BookingId.Day(command.BookingId) != _key)
            throw QueueRuleException.Invalid(ProblemCodes.Validation, "The booking id does not belong to this service's day.");
        var day = await DayAsync();
        if (day.Find(command.BookingId) is { } existing) return View(existing); // a retry of the same booking
        var code = await ClaimCodeAsync(command.BookingId);
        var booking = day.Book(command.BookingId, code, command.Start, time.GetUtcNow(), command.Contact, command.Language);
        await WriteAsync(() => state.State.Bookings.Remove(booking));
        logger.LogInformation("Booked {OfficeId}/{ServiceId} at {Start:yyyy-MM-dd HH:mm}", _key.OfficeId, _key.ServiceId, CounterQueue.Domain.Calendar.Tokyo.ToLocal(booking.Start));
        return View(booking);
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
            await WriteAsync(() => state.State.Bookings[state.State.Bookings.IndexOf(cancelled)] = before!);
            logger.LogInformation("Booking cancelled at {OfficeId}/{ServiceId}", _key.OfficeId, _key.ServiceId);
        }
        return View(cancelled);
    }

    public async Task<CheckInResult> CheckInAsync(string bookingId)
    {
        var before = state.State.Bookings.FirstOrDefault(b => b.Id == bookingId);
        var day = await DayAsync();
        var line = _key.Line;
        var (booking, outcome) = day.CheckIn(bookingId, time.GetUtcNow(), () => TicketId.New(line));
        if (!ReferenceEquals(before, booking))
            await WriteAsync(() => state.State.Bookings[state.State.Bookings.IndexOf(booking)] = before!); // the ticket's id is durable first
        // Issuing is idempotent by the ticket's id: a retry after a crash here gives the same ticket.
        var ticket = await GrainFactory.GetGrain<ITicketLineGrain>(line.ToGrainKey())
            .IssueAsync(new IssueTicket(booking.TicketId!, Priority.Normal, booking.Language, booking.ServedFrom));
        logger.LogInformation("Booking at {OfficeId}/{ServiceId} checked in ({Outcome}) as {Number}", _key.OfficeId, _key.ServiceId, outcome, ticket.Number);
        return new CheckInResult(ticket, View(booking), outcome);
    }

    /// <summary>Persists; if that fails, undoes the change in memory and leaves, so the next activation reads what is durable.</summary>
    private async Task WriteAsync(Action undo)
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
    }

    private BookingView View(BookingRecord b) =>
        new(b.Id, b.Code, _key.OfficeId, _key.ServiceId, b.Start, b.End, b.StatusAt(time.GetUtcNow()), b.Language);
}

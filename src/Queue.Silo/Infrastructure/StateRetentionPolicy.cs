using System.Globalization;
using Orleans.Runtime;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Idempotency;
using CounterQueue.Silo.Bookings;
using CounterQueue.Silo.Idempotency;
using CounterQueue.Silo.Storage;
using CounterQueue.Silo.Tickets;
using Microsoft.Extensions.Options;

namespace CounterQueue.Silo.Infrastructure;

/// <summary>
/// Which stored states are deleted, and when (保存期間). What a day holds (its ticket lines, bookings, consultation room
/// holds and the guides' redirect log) goes <see cref="QueueOptions.PastDaysKept"/> days after that day, with the
/// booking codes that point at its bookings; an Idempotency-Key's record when its 24 h window is over. The visit
/// history keeps what reports and forecasts need from those days for longer (<see cref="QueueOptions.HistoryRetentionDays"/>).
/// Offices, counters, users, schedules (pruned on their own terms) and forwarded papers (a ledger kept by fiscal year) stay.
/// </summary>
public sealed class StateRetentionPolicy(IOptions<QueueOptions> options) : IStateExpiry
{
    /// <summary>States kept one per day, keyed "…/yyyyMMdd".</summary>
    private static readonly HashSet<string> DayStates = [TicketLineStore.StateName, "bookingDay", "resourcePool", "redirectLog"];

    public DateTimeOffset? ExpiresAt(string stateName, GrainId grainId, object? state)
    {
        if (DayStates.Contains(stateName)) return DayOf(grainId.Key.ToString()) is { } day ? AfterDay(day) : null;
        return state switch
        {
            IdempotencyState { Record: { } record } => record.StartedAt + IdempotencyRecord.Lifetime,
            IdempotencyState => DateTimeOffset.UnixEpoch, // abandoned: nothing to replay
            BookingCodeState { BookingId: var id } when BookingId.Day(id) is { } booking => AfterDay(booking.Day),
            _ => null,
        };
    }

    /// <summary>The start of the day <see cref="QueueOptions.PastDaysKept"/> days after <paramref name="day"/>, in Japan.</summary>
    public DateTimeOffset AfterDay(DateOnly day) => Tokyo.At(day.AddDays(1 + options.Value.PastDaysKept), TimeSpan.Zero);

    private static DateOnly? DayOf(string key) =>
        key.LastIndexOf('/') is var slash and >= 0
        && DateOnly.TryParseExact(key.AsSpan(slash + 1), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;
}

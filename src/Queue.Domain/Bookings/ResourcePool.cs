namespace CounterQueue.Domain.Bookings;

/// <summary>The holds on a pool of interchangeable units for one day, as stored.</summary>
public sealed class ResourcePoolState
{
    public List<ResourceHold> Holds { get; set; } = [];
}

/// <summary>
/// A pool of units that bookings hold for a time: a branch's consultation rooms (相談室: a consultation needs a room
/// of its own for privacy) or the staff of a ward section who can travel to a branch at once. A unit is free for a
/// time when no live hold on it overlaps that time. Holds are taken before the booking is stored and confirmed after,
/// so a crash in between frees the unit after <see cref="Lease"/>.
/// </summary>
public sealed class ResourcePool(ResourcePoolState state)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public IReadOnlyList<ResourceHold> Holds => state.Holds;

    private static bool Live(ResourceHold hold, DateTimeOffset now) => hold.Confirmed || now - hold.HeldAt < Lease;

    /// <summary>The live holds (confirmed, or taken less than <see cref="Lease"/> ago).</summary>
    public IEnumerable<ResourceHold> LiveHolds(DateTimeOffset now) => state.Holds.Where(h => Live(h, now));

    /// <summary>How many of <paramref name="units"/> nobody holds for any part of start–end.</summary>
    public int FreeCount(IReadOnlyList<string> units, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now) =>
        FreeCount(LiveHolds(now).ToList(), units, start, end);

    public static int FreeCount(IReadOnlyList<ResourceHold> liveHolds, IReadOnlyList<string> units, DateTimeOffset start, DateTimeOffset end)
    {
        var busy = liveHolds.Where(h => h.Overlaps(start, end)).Select(h => h.Unit).ToHashSet();
        return units.Count(u => !busy.Contains(u));
    }

    /// <summary>
    /// Holds the first free unit for the booking, or returns null when every unit is held then. The same booking
    /// holding again gets its unit back (a retry), its lease renewed. Lapsed holds are dropped.
    /// </summary>
    public ResourceHold? Hold(ResourceHold request, IReadOnlyList<string> units, DateTimeOffset now)
    {
        state.Holds.RemoveAll(h => !Live(h, now));
        var index = state.Holds.FindIndex(h => h.BookingId == request.BookingId);
        if (index >= 0)
            return state.Holds[index] = state.Holds[index] with { HeldAt = now };
        var busy = state.Holds.Where(h => h.Overlaps(request.Start, request.End)).Select(h => h.Unit).ToHashSet();
        if (units.FirstOrDefault(u => !busy.Contains(u)) is not { } unit) return null;
        var hold = request with { Unit = unit, HeldAt = now, Confirmed = false };
        state.Holds.Add(hold);
        return hold;
    }

    /// <summary>
    /// Confirms holds of stored bookings; a hold that lapsed meanwhile is taken again on its unit (the booking stands,
    /// so its room is its own). Returns whether anything changed.
    /// </summary>
    public bool Confirm(IEnumerable<ResourceHold> holds, DateTimeOffset now)
    {
        var changed = false;
        foreach (var hold in holds)
        {
            var index = state.Holds.FindIndex(h => h.BookingId == hold.BookingId);
            if (index >= 0 && state.Holds[index].Confirmed) continue;
            var confirmed = (index >= 0 ? state.Holds[index] : hold with { HeldAt = now }) with { Confirmed = true };
            if (index >= 0) state.Holds[index] = confirmed;
            else state.Holds.Add(confirmed);
            changed = true;
        }
        return changed;
    }

    /// <summary>Lets go of a booking's hold (cancelled, or the booking could not be made). Returns whether it held one.</summary>
    public bool Release(string bookingId) => state.Holds.RemoveAll(h => h.BookingId == bookingId) > 0;
}

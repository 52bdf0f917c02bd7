using CounterQueue.Domain.Bookings;
using static CounterQueue.Tests.Support.TestSchedules;

namespace CounterQueue.Tests.Domain;

/// <summary>Rooms and travelling staff held by consultation bookings (相談室・出張相談), alone.</summary>
public sealed class ResourcePoolTests
{
    private static readonly string[] Rooms = ["room1", "room2"];
    private static readonly DateTimeOffset Now = Jst("2026-11-24T09:00:00");

    private static ResourceHold Request(string bookingId, string start, string end) => new()
    {
        BookingId = bookingId, Unit = "", Start = Jst(start), End = Jst(end), HeldAt = Now, OfficeId = "daishi", ServiceId = "consultation",
    };

    [Fact]
    public void A_unit_is_held_once_for_overlapping_times_and_free_again_next_to_them()
    {
        var pool = new ResourcePool(new ResourcePoolState());
        Assert.Equal("room1", pool.Hold(Request("b1", "2026-11-25T10:00:00", "2026-11-25T11:00:00"), Rooms, Now)!.Unit);
        Assert.Equal("room2", pool.Hold(Request("b2", "2026-11-25T10:30:00", "2026-11-25T11:30:00"), Rooms, Now)!.Unit);
        Assert.Null(pool.Hold(Request("b3", "2026-11-25T10:45:00", "2026-11-25T11:00:00"), Rooms, Now));
        // Back to back is not an overlap.
        Assert.Equal("room1", pool.Hold(Request("b4", "2026-11-25T11:00:00", "2026-11-25T12:00:00"), Rooms, Now)!.Unit);
        Assert.Equal(0, pool.FreeCount(Rooms, Jst("2026-11-25T11:00:00"), Jst("2026-11-25T11:30:00"), Now));
        Assert.Equal(1, pool.FreeCount(Rooms, Jst("2026-11-25T11:30:00"), Jst("2026-11-25T12:00:00"), Now));
        // The same booking holding again (a retry) keeps its unit and takes no second one.
        Assert.Equal("room2", pool.Hold(Request("b2", "2026-11-25T10:30:00", "2026-11-25T11:30:00"), Rooms, Now)!.Unit);
        Assert.Equal(3, pool.Holds.Count);
        Assert.True(pool.Release("b2"));
        Assert.False(pool.Release("b2"));
        Assert.Equal("room2", pool.Hold(Request("b3", "2026-11-25T10:45:00", "2026-11-25T11:00:00"), Rooms, Now)!.Unit);
    }

    [Fact]
    public void An_unconfirmed_hold_lapses_after_the_lease_and_a_confirmed_one_never_does()
    {
        var pool = new ResourcePool(new ResourcePoolState());
        pool.Hold(Request("b1", "2026-11-25T10:00:00", "2026-11-25T11:00:00"), Rooms, Now);
        pool.Hold(Request("b2", "2026-11-25T10:00:00", "2026-11-25T11:00:00"), Rooms, Now);
        Assert.True(pool.Confirm([pool.Holds[0]], Now));
        Assert.False(pool.Confirm([pool.Holds[0]], Now)); // nothing new
        var later = Now + ResourcePool.Lease;
        Assert.Equal(1, pool.FreeCount(Rooms, Jst("2026-11-25T10:00:00"), Jst("2026-11-25T11:00:00"), later)); // b2 was never stored
        Assert.Equal("room2", pool.Hold(Request("b3", "2026-11-25T10:00:00", "2026-11-25T11:00:00"), Rooms, later)!.Unit);
        Assert.DoesNotContain(pool.Holds, h => h.BookingId == "b2");
        Assert.Equal(["b1", "b3"], pool.Holds.Select(h => h.BookingId));
    }

    [Fact]
    public void Confirming_a_lapsed_hold_of_a_stored_booking_takes_its_unit_again()
    {
        var pool = new ResourcePool(new ResourcePoolState());
        var hold = pool.Hold(Request("b1", "2026-11-25T10:00:00", "2026-11-25T11:00:00"), Rooms, Now)!;
        var later = Now + ResourcePool.Lease + TimeSpan.FromMinutes(1);
        pool.Hold(Request("other", "2026-11-26T10:00:00", "2026-11-26T11:00:00"), Rooms, later); // drops the lapsed hold
        Assert.DoesNotContain(pool.Holds, h => h.BookingId == "b1");
        Assert.True(pool.Confirm([hold], later));
        Assert.Equal(1, pool.FreeCount(Rooms, hold.Start, hold.End, later.AddDays(1)));
    }

    [Fact]
    public void Contact_details_are_forgotten_only_for_slots_that_ended_before_the_given_time()
    {
        var state = new BookingDayState();
        var day = new BookingDay(state, new DateOnly(2026, 11, 25), Ward, new SlotPolicy { CutoffMinutes = 0 });
        var contact = new BookingContact("山田", null, null);
        day.Book("b1", "AAAA", Jst("2026-11-25T09:00:00"), Now.AddDays(-1), contact, null);
        day.Book("b2", "CCCC", Jst("2026-11-25T15:00:00"), Now.AddDays(-1), contact, null);
        day.Book("b3", "EEEE", Jst("2026-11-25T09:00:00"), Now.AddDays(-1), null, null);
        Assert.Equal(1, day.ForgetContacts(Jst("2026-11-25T12:00:00")));
        Assert.Equal([null, contact, null], state.Bookings.Select(b => b.Contact));
        Assert.Equal(Jst("2026-11-25T09:00:00"), state.Bookings[0].Start); // the booking itself stays
        Assert.Equal(1, day.ForgetContacts(Jst("2026-11-26T00:00:00")));
        Assert.Equal(0, day.ForgetContacts(Jst("2026-11-27T00:00:00")));
    }
}

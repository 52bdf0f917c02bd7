using System.Globalization;

namespace CounterQueue.Silo.Bookings;

/// <summary>
/// The key of one pool's holds for one day: "office/rooms/yyyyMMdd" (a branch's consultation rooms) or
/// "office/section:id/yyyyMMdd" (a ward section's staff who travel to the branches). One grain per pool and day,
/// so rooms at one branch never contend with another branch or another day.
/// </summary>
public readonly record struct ResourcePoolKey(string OfficeId, string Pool, DateOnly Day)
{
    public const string Rooms = "rooms";

    public static ResourcePoolKey RoomsOf(string officeId, DateOnly day) => new(officeId, Rooms, day);

    public static ResourcePoolKey SectionOf(string officeId, string sectionId, DateOnly day) => new(officeId, $"section:{sectionId}", day);

    public string ToGrainKey() => $"{OfficeId}/{Pool}/{Day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";
}

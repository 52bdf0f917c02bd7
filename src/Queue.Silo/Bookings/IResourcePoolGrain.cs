using CounterQueue.Domain.Bookings;

namespace CounterQueue.Silo.Bookings;

/// <summary>One pool's holds on one day (key: <see cref="ResourcePoolKey"/>): rooms of a branch, or a section's travelling staff.</summary>
public interface IResourcePoolGrain : IGrainWithStringKey
{
    /// <summary>Holds the first free one of <paramref name="units"/> for the request's time, or returns null when none is free.</summary>
    Task<ResourceHold?> HoldAsync(ResourceHold request, IReadOnlyList<string> units);
    /// <summary>Confirms the holds of stored bookings, in one call (taking a lapsed hold's unit again).</summary>
    Task ConfirmAsync(IReadOnlyList<ResourceHold> holds);
    Task ReleaseAsync(string bookingId);
    /// <summary>The live holds (what is taken when).</summary>
    Task<IReadOnlyList<ResourceHold>> HoldsAsync();
}

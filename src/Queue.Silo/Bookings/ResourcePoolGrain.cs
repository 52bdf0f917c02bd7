using CounterQueue.Domain.Bookings;

namespace CounterQueue.Silo.Bookings;

/// <summary>
/// Thin: holds one pool's holds of one day and applies <see cref="ResourcePool"/>'s rules. Not reentrant, so two
/// branches asking for the last free staff place at once are answered one after the other. It never calls another
/// grain, so booking days calling two pools in turn cannot deadlock.
/// </summary>
public sealed class ResourcePoolGrain(
    [PersistentState("resourcePool", StorageNames.Queue)] IPersistentState<ResourcePoolState> state,
    TimeProvider time) : Grain, IResourcePoolGrain
{
    private ResourcePool Pool => new(state.State);

    public async Task<ResourceHold?> HoldAsync(ResourceHold request, IReadOnlyList<string> units)
    {
        var before = state.State.Holds.ToList();
        var hold = Pool.Hold(request, units, time.GetUtcNow());
        if (hold is not null) await WriteAsync(before);
        return hold;
    }

    public async Task ConfirmAsync(IReadOnlyList<ResourceHold> holds)
    {
        var before = state.State.Holds.ToList();
        if (Pool.Confirm(holds, time.GetUtcNow())) await WriteAsync(before);
    }

    public async Task ReleaseAsync(string bookingId)
    {
        var before = state.State.Holds.ToList();
        if (Pool.Release(bookingId)) await WriteAsync(before);
    }

    public Task<IReadOnlyList<ResourceHold>> HoldsAsync() =>
        Task.FromResult<IReadOnlyList<ResourceHold>>(Pool.LiveHolds(time.GetUtcNow()).ToList());

    /// <summary>Persists; if that fails, puts the holds back as they were and leaves, so the next activation reads what is durable.</summary>
    private async Task WriteAsync(List<ResourceHold> before)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Holds = before;
            DeactivateOnIdle();
            throw;
        }
    }
}

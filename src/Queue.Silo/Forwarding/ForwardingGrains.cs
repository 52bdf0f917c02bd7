using CounterQueue.Domain;
using CounterQueue.Domain.Forwarding;
using Microsoft.Extensions.Logging;

namespace CounterQueue.Silo.Forwarding;

public sealed class ForwardingSerialState
{
    public int Last { get; set; }
}

/// <summary>
/// The serial numbers (通し番号) of one document type at one branch in one fiscal year (key "branch/type/fy"). Not
/// reentrant: numbers are handed out one after another, each stored before it is answered, so none is given twice, even
/// across a crash (a number whose item was never stored is skipped, never reused).
/// </summary>
public interface IForwardingSerialGrain : IGrainWithStringKey
{
    Task<int> NextAsync();
}

public sealed class ForwardingSerialGrain(
    [PersistentState("forwardingSerial", StorageNames.Queue)] IPersistentState<ForwardingSerialState> state) : Grain, IForwardingSerialGrain
{
    public async Task<int> NextAsync()
    {
        state.State.Last++;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Last--;
            DeactivateOnIdle();
            throw;
        }
        return state.State.Last;
    }

    public static string Key(string branchId, string typeId, int fiscalYear) => $"{branchId}/{typeId}/{fiscalYear}";
}

public enum ForwardingStep { Dispatch, Receive, Complete }

public sealed class ForwardingItemState
{
    public ForwardingItem? Item { get; set; }
}

/// <summary>One forwarded paper (key: its id): every step durable before it is answered, with who and when.</summary>
public interface IForwardingItemGrain : IGrainWithStringKey
{
    Task<ForwardingItem> CreateAsync(ForwardingItem item);
    [Orleans.Concurrency.ReadOnly] Task<ForwardingItem?> GetAsync();
    Task<ForwardingItem> StepAsync(ForwardingStep step, string by);
    /// <summary>Deletes the resident's name of a completed item (retention over); returns whether it held one.</summary>
    Task<bool> ForgetNameAsync();
}

public sealed class ForwardingItemGrain(
    [PersistentState("forwardingItem", StorageNames.Queue)] IPersistentState<ForwardingItemState> state,
    TimeProvider time,
    ILogger<ForwardingItemGrain> logger) : Grain, IForwardingItemGrain
{
    public async Task<ForwardingItem> CreateAsync(ForwardingItem item)
    {
        if (state.State.Item is { } existing) return existing;
        if (item.Id != this.GetPrimaryKeyString()) throw QueueRuleException.Invalid(ProblemCodes.Validation, "The item's id does not match.");
        await WriteAsync(item);
        return item;
    }

    public Task<ForwardingItem?> GetAsync() => Task.FromResult(state.State.Item);

    public async Task<ForwardingItem> StepAsync(ForwardingStep step, string by)
    {
        var item = state.State.Item ?? throw QueueRuleException.NotFound(ProblemCodes.ForwardingNotFound, "No such forwarded item.");
        var now = time.GetUtcNow();
        var next = step switch
        {
            ForwardingStep.Dispatch => ForwardingRules.Dispatch(item, now, by),
            ForwardingStep.Receive => ForwardingRules.Receive(item, now, by),
            _ => ForwardingRules.Complete(item, now, by),
        };
        if (ReferenceEquals(next, item)) return item; // the step again: nothing changes
        await WriteAsync(next);
        logger.LogInformation("Forwarded item {ItemId} {Status} by {User}", item.Id, next.Status, by);
        return next;
    }

    public async Task<bool> ForgetNameAsync()
    {
        if (state.State.Item is not { ResidentName: not null } item) return false;
        await WriteAsync(item with { ResidentName = null });
        return true;
    }

    /// <summary>Stores the item, then tells the branch's and the section's ledgers (one call each).</summary>
    private async Task WriteAsync(ForwardingItem item)
    {
        var before = state.State.Item;
        state.State.Item = item;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Item = before;
            DeactivateOnIdle();
            throw;
        }
        var entry = item with { ResidentName = null };
        await Task.WhenAll(
            GrainFactory.GetGrain<IForwardingLedgerGrain>(ForwardingLedgerGrain.BranchKey(item)).UpsertAsync(entry, item.ResidentName is not null),
            GrainFactory.GetGrain<IForwardingLedgerGrain>(ForwardingLedgerGrain.SectionKey(item)).UpsertAsync(entry, false));
    }
}

public sealed class ForwardingLedgerState
{
    public Dictionary<string, ForwardingItem> Items { get; set; } = [];
    /// <summary>Items whose resident's name is still held by the item (for the purge).</summary>
    public HashSet<string> WithName { get; set; } = [];
}

/// <summary>
/// A month of a ledger (回送管理簿): a branch's ("branch/yyyyMM") or a ward section's ("ward/section/yyyyMM"), by the
/// month the paper was accepted. Each holds a copy of its items without personal data, so listing is one call.
/// </summary>
public interface IForwardingLedgerGrain : IGrainWithStringKey
{
    Task UpsertAsync(ForwardingItem item, bool hasName);
    [Orleans.Concurrency.ReadOnly] Task<IReadOnlyList<ForwardingItem>> ListAsync();
    /// <summary>The items that still hold a resident's name and were completed before <paramref name="before"/>.</summary>
    [Orleans.Concurrency.ReadOnly] Task<IReadOnlyList<string>> NamesDueAsync(DateTimeOffset before);
}

public sealed class ForwardingLedgerGrain(
    [PersistentState("forwardingLedger", StorageNames.Queue)] IPersistentState<ForwardingLedgerState> state) : Grain, IForwardingLedgerGrain
{
    public async Task UpsertAsync(ForwardingItem item, bool hasName)
    {
        state.State.Items[item.Id] = item;
        if (hasName) state.State.WithName.Add(item.Id); else state.State.WithName.Remove(item.Id);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<ForwardingItem>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ForwardingItem>>(state.State.Items.Values.OrderBy(i => i.AcceptedAt).ThenBy(i => i.Id, StringComparer.Ordinal).ToList());

    public Task<IReadOnlyList<string>> NamesDueAsync(DateTimeOffset before) =>
        Task.FromResult<IReadOnlyList<string>>(state.State.WithName
            .Where(id => state.State.Items.TryGetValue(id, out var item) && item is { Status: ForwardingStatus.Completed, CompletedAt: { } done } && done < before)
            .ToList());

    public static string BranchKey(ForwardingItem item) => BranchKey(item.BranchId, Month(item));
    public static string SectionKey(ForwardingItem item) => SectionKey(item.WardOfficeId, item.SectionId, Month(item));
    public static string BranchKey(string branchId, DateOnly month) => $"{branchId}/{month:yyyyMM}";
    public static string SectionKey(string wardId, string sectionId, DateOnly month) => $"{wardId}/{sectionId}/{month:yyyyMM}";

    private static DateOnly Month(ForwardingItem item)
    {
        var day = CounterQueue.Domain.Calendar.Tokyo.DateOf(item.AcceptedAt);
        return new DateOnly(day.Year, day.Month, 1);
    }
}

using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Forwarding;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Forwarding;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Offices;
using Microsoft.Extensions.Options;

namespace CounterQueue.Web.Forwarding;

/// <summary>
/// Deletes the residents' names of forwarded papers completed more than <see cref="QueueOptions.ForwardingNameRetentionDays"/>
/// ago (the ledger keeps only numbers, dates and who handled each step). Each branch's ledger months say which items still
/// hold a name, so only those are visited; papers still under way keep theirs.
/// </summary>
public sealed class ForwardingNamePurge(OfficeCatalog catalog, IGrainFactory grains, TimeProvider time, IOptions<QueueOptions> options, ILogger<ForwardingNamePurge> logger)
{
    /// <summary>How far back the ledgers are looked at: a paper completed later than this is rare (and would be found by a later run).</summary>
    private const int MonthsBack = 24;

    public async Task<int> RunAsync()
    {
        var now = time.GetUtcNow();
        var before = now.AddDays(-options.Value.ForwardingNameRetentionDays);
        var today = Tokyo.DateOf(now);
        var months = Enumerable.Range(0, MonthsBack).Select(i => new DateOnly(today.Year, today.Month, 1).AddMonths(-i)).ToList();
        var branches = (await catalog.ListAsync()).Where(o => o.Kind == OfficeKind.Branch).ToList();
        var forgotten = 0;
        foreach (var branch in branches)
        {
            var withName = await Task.WhenAll(months.Select(m => grains.GetGrain<IForwardingLedgerGrain>(ForwardingLedgerGrain.BranchKey(branch.Id, m)).WithNameAsync()));
            foreach (var id in withName.SelectMany(ids => ids))
            {
                var item = grains.GetGrain<IForwardingItemGrain>(id);
                if (await item.GetAsync() is { Status: ForwardingStatus.Completed, CompletedAt: { } done } && done < before && await item.ForgetNameAsync()) forgotten++;
            }
        }
        if (forgotten > 0) logger.LogInformation("Deleted the residents' names of {Count} completed forwarded papers", forgotten);
        return forgotten;
    }
}

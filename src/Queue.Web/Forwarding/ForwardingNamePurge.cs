using CounterQueue.Domain.Calendar;
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
        // One call per ledger month names the papers due (the ledger keeps each paper's status); then one call per paper.
        var due = await Task.WhenAll(branches.SelectMany(b => months.Select(m =>
            grains.GetGrain<IForwardingLedgerGrain>(ForwardingLedgerGrain.BranchKey(b.Id, m)).NamesDueAsync(before))));
        var results = await Task.WhenAll(due.SelectMany(ids => ids).Select(id => grains.GetGrain<IForwardingItemGrain>(id).ForgetNameAsync()));
        var forgotten = results.Count(r => r);
        if (forgotten > 0) logger.LogInformation("Deleted the residents' names of {Count} completed forwarded papers", forgotten);
        return forgotten;
    }
}

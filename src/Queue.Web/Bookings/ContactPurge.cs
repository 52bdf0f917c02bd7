using CounterQueue.Silo.Bookings;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Offices;
using Microsoft.Extensions.Options;
using Quartz;

namespace CounterQueue.Web.Bookings;

/// <summary>
/// Deletes booking contact details once their slot is <see cref="QueueOptions.ContactRetentionDays"/> days past
/// (個人情報の削除): every office's register names the days that still hold some, one call per office.
/// </summary>
public sealed class ContactPurge(OfficeCatalog catalog, IGrainFactory grains, TimeProvider time, IOptions<QueueOptions> options, ILogger<ContactPurge> logger)
{
    public async Task<int> RunAsync()
    {
        var before = time.GetUtcNow().AddDays(-options.Value.ContactRetentionDays);
        var offices = await catalog.ListAsync();
        var counts = await Task.WhenAll(offices.Select(o => grains.GetGrain<IContactRetentionGrain>(o.Id).ForgetBeforeAsync(before)));
        var total = counts.Sum();
        logger.LogInformation("Deleted the contact details of {Count} bookings whose slot ended before {Before:O}", total, before);
        return total;
    }
}

/// <summary>
/// Every night at 03:15 Japan time (persistent, so a missed night runs at the next start): booking contacts
/// (<see cref="ContactPurge"/>) and forwarded papers' resident names (<see cref="Forwarding.ForwardingNamePurge"/>).
/// </summary>
[DisallowConcurrentExecution]
public sealed class ContactPurgeJob(ContactPurge purge, Forwarding.ForwardingNamePurge names) : IJob
{
    public static readonly JobKey Key = new("contact-purge", "bookings");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await purge.RunAsync();
        await names.RunAsync();
    }
}

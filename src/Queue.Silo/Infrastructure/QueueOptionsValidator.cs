using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CounterQueue.Silo.Infrastructure;

/// <summary>
/// Checks the "Queue" section once, on start, and says in one sentence per setting what is wrong and what
/// would be right, instead of failing later with an exception trace from deep inside the silo.
/// </summary>
public sealed class QueueOptionsValidator : IValidateOptions<QueueOptions>
{
    public ValidateOptionsResult Validate(string? name, QueueOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
            errors.Add("Queue:DataDirectory must name a folder (e.g. Queue__DataDirectory=/srv/counterqueue).");
        else if (!IsValidPath(options.DataDirectory))
            errors.Add($"Queue:DataDirectory '{options.DataDirectory}' is not a valid path.");
        if (options.DataProtectionKeysDirectory is { } keys && (string.IsNullOrWhiteSpace(keys) || !IsValidPath(keys)))
            errors.Add($"Queue:DataProtectionKeysDirectory '{keys}' is not a valid path.");
        if (options.SiloPort is <= 0 or > 65535)
            errors.Add($"Queue:SiloPort {options.SiloPort} is not a port number (1-65535).");
        if (options.TemporaryCloseRetry <= TimeSpan.Zero || options.TemporaryCloseRetry > TimeSpan.FromDays(1))
            errors.Add($"Queue:TemporaryCloseRetry {options.TemporaryCloseRetry} must be more than zero and at most a day (e.g. 00:01:00).");
        if (options.ForwardingOverdueBusinessDays is < 1 or > 60)
            errors.Add($"Queue:ForwardingOverdueBusinessDays {options.ForwardingOverdueBusinessDays} must be 1-60.");
        if (options.ForwardingNameRetentionDays is < 0 or > 3650)
            errors.Add($"Queue:ForwardingNameRetentionDays {options.ForwardingNameRetentionDays} must be 0-3650.");
        if (options.CommitDelayMicroseconds is < 0 or > 10_000)
            errors.Add($"Queue:CommitDelayMicroseconds {options.CommitDelayMicroseconds} must be 0-10000 (0: commits never wait for more writes).");
        if (options.HistoryRetentionDays is < 1 or > 3650)
            errors.Add($"Queue:HistoryRetentionDays {options.HistoryRetentionDays} must be 1-3650 (days of visit history kept).");
        if (options.MaxTemporarySchedules is < 1 or > 100_000)
            errors.Add($"Queue:MaxTemporarySchedules {options.MaxTemporarySchedules} must be 1-100000.");
        if (options.TemporaryScheduleRetentionDays is < 60 or > 3650)
            errors.Add($"Queue:TemporaryScheduleRetentionDays {options.TemporaryScheduleRetentionDays} must be 60-3650 (the congestion forecast looks 8 weeks back).");
        if (options.AuditRetentionDays is < 1 or > 3650)
            errors.Add($"Queue:AuditRetentionDays {options.AuditRetentionDays} must be 1-3650 (days of audit log kept).");
        if (options.BackupDirectory is { } backups && (string.IsNullOrWhiteSpace(backups) || !IsValidPath(backups)))
            errors.Add($"Queue:BackupDirectory '{backups}' is not a valid path.");
        if (options.BackupsKept is < 1 or > 366)
            errors.Add($"Queue:BackupsKept {options.BackupsKept} must be 1-366 (nightly backups kept).");
        if (options.DemoHistoryWeeks is < 0 or > 60)
            errors.Add($"Queue:DemoHistoryWeeks {options.DemoHistoryWeeks} must be 0-60.");
        if (options.PickupRecallAfter <= TimeSpan.Zero || options.PickupUncollectedAfter <= options.PickupRecallAfter)
            errors.Add("Queue:PickupRecallAfter must be positive and Queue:PickupUncollectedAfter longer than it.");
        if (options.PickupCheckEvery < TimeSpan.FromMilliseconds(100) || options.PickupCheckEvery > TimeSpan.FromHours(1))
            errors.Add("Queue:PickupCheckEvery must be between 100 ms and an hour.");
        if (options.PastDaysKept is < 1 or > 3650)
            errors.Add($"Queue:PastDaysKept {options.PastDaysKept} must be 1-3650 (days a past day's lines and bookings are kept).");
        if (options.ContactRetentionDays is < 0 or > 3650)
            errors.Add($"Queue:ContactRetentionDays {options.ContactRetentionDays} must be 0-3650 (days after a booked slot that contact details are kept).");
        if (string.IsNullOrWhiteSpace(options.ClusterId) || options.ClusterId.Length > 64 || !options.ClusterId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            errors.Add($"Queue:ClusterId '{options.ClusterId}' must be 1-64 letters, digits, '-' or '_'.");
        if (!string.IsNullOrWhiteSpace(options.ClockStartsAt) && options.ClockStart is null)
            errors.Add($"Queue:ClockStartsAt '{options.ClockStartsAt}' is not a date and time with its offset (e.g. 2026-12-01T08:25:00+09:00); leave it unset to use the machine's clock.");
        else if (options.ClockStart > TimeProvider.System.GetUtcNow()) // the machine's clock: what the simulated one is compared with
            errors.Add($"Queue:ClockStartsAt {options.ClockStartsAt} is ahead of this machine's clock; a simulated clock can only start in the past (the cluster's membership would take a clock ahead of the machine's for a newer silo and stop this one). Pick the same time on an earlier day.");
        if (options.IsClusterMode)
        {
            if (!IPAddress.TryParse(options.AdvertisedAddress, out _) && !options.AdvertisedAddress.Equals(QueueOptions.AutoAddress, StringComparison.OrdinalIgnoreCase))
                errors.Add($"Queue:AdvertisedAddress '{options.AdvertisedAddress}' is not an IP address; give this host's address on the office network (e.g. 10.0.0.11), or 'auto' in a container.");
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.PostgreSql);
            }
            catch (ArgumentException e)
            {
                errors.Add($"Queue:PostgreSql is not a valid connection string ({e.Message}); e.g. Host=db;Database=counterqueue;Username=counterqueue;Password=….");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsValidPath(string path)
    {
        try
        {
            _ = Path.GetFullPath(path);
            return path.IndexOfAny(Path.GetInvalidPathChars()) < 0;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }
}

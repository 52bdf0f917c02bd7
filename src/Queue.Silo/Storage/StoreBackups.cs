using System.Globalization;
using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Silo.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CounterQueue.Silo.Storage;

/// <summary>A backup could not be written (its folder cannot be made or written, the disk is full): nothing else is affected.</summary>
public sealed class BackupFailedException(string folder, Exception cause)
    : Exception($"The backup could not be written to {folder}: {cause.GetBaseException().Message}", cause);

/// <summary>A backup of the embedded store: its file name (queue-yyyyMMdd-HHmmss.db, Japan time), size and when it was taken.</summary>
public sealed record BackupInfo(string Name, long Bytes, DateTimeOffset TakenAt);

/// <summary>
/// Backups of the embedded store (バックアップ): a consistent copy of the whole store taken while it runs, written beside
/// the others in <see cref="QueueOptions.BackupDirectoryPath"/> (readable by the service's user only: the store holds
/// encrypted personal data), the oldest beyond <see cref="QueueOptions.BackupsKept"/> deleted. Nightly, and on an
/// administrator's request. To restore: stop the app, put a backup in place of the data folder's queue.db (and delete
/// queue.db-wal and queue.db-shm), start it. In cluster mode the data is in PostgreSQL, which is backed up there.
/// </summary>
public sealed partial class StoreBackups(IServiceProvider services, IOptions<QueueOptions> options, TimeProvider time, ILogger<StoreBackups> logger)
{
    private const string Prefix = "queue-";
    private const string Suffix = ".db";
    private const string NameFormat = "yyyyMMdd-HHmmss";
    private readonly SemaphoreSlim _one = new(1, 1);

    public async Task<BackupInfo> TakeAsync(CancellationToken cancellationToken = default)
    {
        var store = services.GetService<SqliteStore>() ?? throw QueueRuleException.Conflict(ProblemCodes.BackupsElsewhere,
            "In cluster mode the data is in PostgreSQL: back it up there (pg_dump, or the database service's own backups).");
        await _one.WaitAsync(cancellationToken);
        try
        {
            var folder = options.Value.BackupDirectoryPath;
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var takenAt = time.GetUtcNow();
            var name = Prefix + Tokyo.ToLocal(takenAt).ToString(NameFormat, CultureInfo.InvariantCulture) + Suffix;
            var path = Path.Combine(folder, name);
            var partial = path + ".partial"; // a backup cut short (a crash, a full disk) never looks like one
            File.Delete(partial);
            try
            {
                await store.BackupToAsync(partial, cancellationToken);
                await using (var file = new FileStream(partial, FileMode.Open, FileAccess.ReadWrite)) file.Flush(flushToDisk: true);
                File.Move(partial, path, overwrite: true);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }
            var backup = new BackupInfo(name, new FileInfo(path).Length, takenAt);
            var deleted = 0;
            foreach (var old in List().Skip(options.Value.BackupsKept))
            {
                File.Delete(Path.Combine(folder, old.Name));
                deleted++;
            }
            LogTaken(logger, path, backup.Bytes, deleted);
            return backup;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogFailed(logger, e, options.Value.BackupDirectoryPath);
            throw new BackupFailedException(options.Value.BackupDirectoryPath, e);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>The backups there are, newest first.</summary>
    public IReadOnlyList<BackupInfo> List()
    {
        var folder = options.Value.BackupDirectoryPath;
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, Prefix + "*" + Suffix)
            .Select(path => (Path: path, Name: Path.GetFileName(path)))
            .Select(f => (f.Path, f.Name, At: DateTime.TryParseExact(f.Name[Prefix.Length..^Suffix.Length], NameFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local) ? new DateTimeOffset(local, TimeSpan.FromHours(9)) : (DateTimeOffset?)null))
            .Where(f => f.At is not null)
            .OrderByDescending(f => f.At)
            .Select(f => new BackupInfo(f.Name, new FileInfo(f.Path).Length, f.At!.Value))
            .ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup of the store written to {Path} ({Bytes} bytes); {Deleted} older deleted")]
    private static partial void LogTaken(ILogger logger, string path, long bytes, int deleted);

    [LoggerMessage(Level = LogLevel.Error, Message = "Backup of the store to {Folder} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string folder);
}

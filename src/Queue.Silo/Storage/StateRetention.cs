using Orleans.Runtime;

namespace CounterQueue.Silo.Storage;

/// <summary>When a stored grain state may be deleted (retention): the storage records it with each write.</summary>
public interface IStateExpiry
{
    /// <summary>The app-clock time after which the state may be deleted, or null to keep it.</summary>
    DateTimeOffset? ExpiresAt(string stateName, GrainId grainId, object? state);
}

/// <summary>A storage that deletes expired states on request (the nightly retention job).</summary>
public interface IExpiredStatePruner
{
    /// <summary>Deletes the states (and their records) that expired before <paramref name="now"/>; returns how many.</summary>
    Task<long> PruneExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>Keeps everything (storage contract tests, tools).</summary>
public sealed class KeepForever : IStateExpiry
{
    public static readonly KeepForever Instance = new();

    public DateTimeOffset? ExpiresAt(string stateName, GrainId grainId, object? state) => null;
}

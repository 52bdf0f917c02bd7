using CounterQueue.Silo.Storage;
using CounterQueue.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;

namespace CounterQueue.Tests.Storage;

/// <summary>The embedded store against the grain storage contract, plus what is particular to it.</summary>
public sealed class SqliteGrainStorageTests : GrainStorageContract
{
    private readonly TempDirectory _directory = new("sqlite");
    private SqliteStore? _store;

    private string DatabasePath => Path.Combine(_directory.Path, "queue.db");

    protected override Task<IGrainStorage> OpenAsync()
    {
        _store = new SqliteStore(DatabasePath, NullLogger<SqliteStore>.Instance);
        return Task.FromResult<IGrainStorage>(new SqliteGrainStorage("test", _store, new StateJsonSerializer()));
    }

    protected override Task<IGrainStorage> ReopenAsync()
    {
        _store?.Dispose();
        return OpenAsync();
    }

    public override Task DisposeAsync()
    {
        _store?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Concurrent_writes_share_transactions()
    {
        var storage = (SqliteGrainStorage)Storage;
        var grains = Enumerable.Range(0, 400).Select(i => Orleans.Runtime.GrainId.Create("batch", i.ToString())).ToList();
        var commitsBefore = _store!.Commits;
        await Task.WhenAll(grains.Select(g => storage.WriteStateAsync("s", g, new Orleans.GrainState<Sample>(new Sample { Count = 1 }))));
        var commits = _store.Commits - commitsBefore;
        Assert.True(commits < grains.Count, $"{grains.Count} concurrent writes took {commits} commits; group commit should need fewer.");
    }

    [Fact]
    public async Task Writes_pending_at_shutdown_are_committed()
    {
        var grain = Orleans.Runtime.GrainId.Create("shutdown", "1");
        var write = _store!.WriteAsync("s", grain.ToString(), "{}"u8.ToArray(), null);
        _store.Dispose();
        Assert.Equal(1, await write);
        using var reopened = new SqliteStore(DatabasePath, NullLogger<SqliteStore>.Instance);
        Assert.NotNull(await reopened.ReadAsync("s", grain.ToString()));
        _store = null;
    }
}

using CounterQueue.Domain.History;
using CounterQueue.Silo.History;
using CounterQueue.Silo.Storage;
using CounterQueue.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Polly;

namespace CounterQueue.Tests.Storage;

/// <summary>What the visit history must do on either store (the embedded SQLite file and PostgreSQL in cluster mode).</summary>
public abstract class VisitHistoryContract : IAsyncLifetime
{
    protected IVisitHistory History { get; private set; } = null!;

    protected abstract Task<IVisitHistory> OpenAsync();

    /// <summary>Closes the history and opens it again on the same data (as after a restart).</summary>
    protected abstract Task<IVisitHistory> ReopenAsync();

    public async Task InitializeAsync() => History = await OpenAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static readonly DateOnly Day = new(2026, 11, 25);
    private static readonly DateTimeOffset At = new(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(9));

    private static VisitEvent Event(string kind, int minute, string visit, string office = "o", DateOnly? day = null) =>
        new(kind, At.AddMinutes(minute), office, day ?? Day, "s", visit, "A-001", minute % 2 == 0 ? "c1" : null, "staff1", "service", null, "remote", true);

    [Fact]
    public async Task Appended_events_are_read_back_whole_by_office_and_days_and_by_visit_after_a_restart()
    {
        await History.AppendAsync([Event("issued", 0, "v1"), Event("called", 5, "v1"), Event("issued", 1, "v2")]);
        await History.AppendAsync([Event("issued", 2, "v3", office: "other"), Event("issued", 3, "v4", day: Day.AddDays(-1))]);
        History = await ReopenAsync();
        var read = await History.ReadAsync("o", Day, Day);
        Assert.Equal(["v1", "v1", "v2"], read.Select(e => e.VisitId));
        Assert.Equal(Event("called", 5, "v1"), read[1]); // every field as written
        Assert.Equal(["v1", "v1", "v2", "v4"], (await History.ReadAsync("o", Day.AddDays(-1), Day)).Select(e => e.VisitId)); // as stored
        Assert.Equal(["issued", "called"], (await History.ReadVisitAsync("o", Day, "v1")).Select(e => e.Kind));
        Assert.Equal(["v1", "v2"], (await History.ReadAsync("o", Day, Day, ["issued"])).Select(e => e.VisitId));
        Assert.Equal(3, (await History.ReadAsync("o", Day, Day, ["issued", "called"])).Count);
        Assert.True(await History.HasDayAsync("other", Day));
        Assert.False(await History.HasDayAsync("other", Day.AddDays(1)));
    }

    [Fact]
    public async Task Concurrent_appends_all_land_and_pruning_deletes_only_older_days()
    {
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => History.AppendAsync([Event("issued", i, $"v{i}", day: Day.AddDays(-(i % 5)))])));
        var all = await History.ReadAsync("o", Day.AddDays(-10), Day);
        Assert.Equal(50, all.Select(e => e.VisitId).Distinct().Count());
        var deleted = await History.PruneAsync(Day.AddDays(-2)); // days -4 and -3 go
        Assert.Equal(20, deleted);
        Assert.Equal(30, (await History.ReadAsync("o", Day.AddDays(-10), Day)).Count);
    }
}

public sealed class SqliteVisitHistoryTests : VisitHistoryContract, IDisposable
{
    private readonly TempDirectory _directory = new("history");
    private SqliteStore? _store;

    private string DatabasePath => Path.Combine(_directory.Path, "queue.db");

    protected override Task<IVisitHistory> OpenAsync()
    {
        _store = new SqliteStore(DatabasePath, NullLogger<SqliteStore>.Instance);
        return Task.FromResult<IVisitHistory>(new SqliteVisitHistory(_store));
    }

    protected override Task<IVisitHistory> ReopenAsync()
    {
        _store!.Dispose();
        return OpenAsync();
    }

    [Fact]
    public async Task History_shares_the_group_commit_of_the_grains_writes()
    {
        var history = new SqliteVisitHistory(_store!);
        var before = _store!.Commits;
        // A state write and its history handed over together land in one transaction (the writer takes both at once).
        var writes = Enumerable.Range(0, 20).SelectMany(i => new[]
        {
            _store.WriteAsync("line", $"g{i}", [1, 2, 3], null),
            history.AppendAsync([new VisitEvent("issued", DateTimeOffset.UtcNow, "o", new DateOnly(2026, 11, 25), "s", $"v{i}")]),
        }).ToList();
        await Task.WhenAll(writes);
        Assert.True(_store.Commits - before < 40, $"{_store.Commits - before} commits for 40 writes: appends are not grouped");
    }

    [Fact]
    public async Task Events_handed_over_with_a_write_land_only_if_the_write_is_applied()
    {
        static VisitEvent Issued(string visit) => new("issued", DateTimeOffset.UtcNow, "o", new DateOnly(2026, 11, 25), "s", visit);
        var version = await _store!.WriteAsync("line", "g", [1], null, history: [Issued("v1"), Issued("v2")]);
        // A stale version: refused, and its events with it (no history for a change that never happened).
        await Assert.ThrowsAsync<VersionConflictException>(() => _store.WriteAsync("line", "g", [2], null, history: [Issued("lost")]));
        // Chained to a write that fails (started while that one is pending, the writer held meanwhile): refused too.
        Task<long> stale, chained;
        using (_store.PauseWriter())
        {
            stale = _store.WriteAsync("line", "g", [3], version + 5, history: [Issued("stale")]);
            chained = _store.WriteAsync("line", "g", [4], version + 6, history: [Issued("chained")]);
        }
        await Assert.ThrowsAsync<VersionConflictException>(() => stale);
        await Assert.ThrowsAsync<VersionConflictException>(() => chained);
        await _store.WriteAsync("line", "g", [5], version, history: [Issued("v3")]);

        var reopened = await ReopenAsync();
        Assert.Equal(["v1", "v2", "v3"], (await reopened.ReadAsync("o", new DateOnly(2026, 11, 25), new DateOnly(2026, 11, 25))).Select(e => e.VisitId));
    }

    public void Dispose()
    {
        _store?.Dispose();
        _directory.Dispose();
    }
}

public sealed class PostgresVisitHistoryTests : VisitHistoryContract
{
    private NpgsqlDataSource? _database;
    private PostgresVisitHistory? _history;

    protected override async Task<IVisitHistory> OpenAsync()
    {
        _database = NpgsqlDataSource.Create(await TestPostgres.FreshDatabaseAsync());
        return _history = new PostgresVisitHistory(_database, ResiliencePipeline.Empty, NullLogger<PostgresVisitHistory>.Instance);
    }

    protected override async Task<IVisitHistory> ReopenAsync()
    {
        var connectionString = _database!.ConnectionString;
        await _history!.DisposeAsync();
        await _database.DisposeAsync();
        _database = NpgsqlDataSource.Create(connectionString);
        return _history = new PostgresVisitHistory(_database, ResiliencePipeline.Empty, NullLogger<PostgresVisitHistory>.Instance);
    }

    public override async Task DisposeAsync()
    {
        if (_history is not null) await _history.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }
}

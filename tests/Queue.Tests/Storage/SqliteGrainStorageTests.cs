using CounterQueue.Silo.Storage;
using CounterQueue.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;

namespace CounterQueue.Tests.Storage;

/// <summary>The embedded store against the grain storage contract, plus what is particular to it.</summary>
public class SqliteGrainStorageTests : GrainStorageContract
{
    private readonly TempDirectory _directory = new("sqlite");
    private SqliteStore? _store;

    /// <summary>Logged rows after which a commit folds the log into the tables (the store's default here).</summary>
    protected virtual int FoldEvery => SqliteStore.DefaultFoldEvery;

    private string DatabasePath => Path.Combine(_directory.Path, "queue.db");

    protected override Task<IGrainStorage> OpenAsync()
    {
        _store = new SqliteStore(DatabasePath, NullLogger<SqliteStore>.Instance, FoldEvery);
        return Task.FromResult<IGrainStorage>(new SqliteGrainStorage("test", _store, new StateJsonSerializer(), Expiry));
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

    [Fact]
    public async Task A_write_can_start_before_the_previous_is_durable_and_fails_if_that_one_fails()
    {
        var records = (IRecordSetStorage)Storage;
        var grain = Orleans.Runtime.GrainId.Create("ordered", "1");
        Assert.Equal("1", records.NextETagIfOrdered(null));
        var first = records.WriteRecordSetAsync("r", grain, "h1"u8.ToArray(), [new("a", "A1"u8.ToArray())], null);
        var second = records.WriteRecordSetAsync("r", grain, "h2"u8.ToArray(), [new("b", "B1"u8.ToArray())], records.NextETagIfOrdered(null));
        Assert.Equal(("1", "2"), (await first, await second));

        // A write that fails takes the one started after it down too: nothing of either is stored. (The writer is held
        // while both are handed over, so the second is started while the first is still pending, as a line's are.)
        Task<string> stale, chained;
        using (_store!.PauseWriter())
        {
            stale = records.WriteRecordSetAsync("r", grain, "stale"u8.ToArray(), [new("a", "stale"u8.ToArray())], "1");
            chained = records.WriteRecordSetAsync("r", grain, "chained"u8.ToArray(), [new("c", "C1"u8.ToArray())], records.NextETagIfOrdered("1"));
        }
        await Assert.ThrowsAsync<InconsistentStateException>(() => stale);
        await Assert.ThrowsAsync<InconsistentStateException>(() => chained);

        var read = await records.ReadRecordSetAsync("r", grain);
        Assert.Equal(("h2", "2"), (System.Text.Encoding.UTF8.GetString(read.Header!), read.ETag));
        Assert.Equal(["A1", "B1"], read.Records.Select(r => System.Text.Encoding.UTF8.GetString(r)).Order());
        Assert.Equal("3", await records.WriteRecordSetAsync("r", grain, "h3"u8.ToArray(), [], read.ETag)); // from the version stored
    }

    /// <summary>
    /// Random writes, clears and record updates across a few grains, checked against a plain model after every step
    /// and after reopening: whatever the log holds and whenever it is folded, a read sees every acknowledged write.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(SqliteStore.DefaultFoldEvery)]
    public async Task Reads_match_every_acknowledged_write_whenever_the_log_is_folded(int foldEvery)
    {
        var path = Path.Combine(_directory.Path, $"model-{foldEvery}.db");
        var store = new SqliteStore(path, NullLogger<SqliteStore>.Instance, foldEvery);
        var random = new Random(foldEvery);
        var grains = new[] { "g1", "g2", "g3" };
        var model = grains.ToDictionary(g => g, _ => (Version: (long?)null, Header: (string?)null, Records: new Dictionary<string, string>()));
        try
        {
            for (var step = 0; step < 300; step++)
            {
                var grain = grains[random.Next(grains.Length)];
                var (version, _, modelRecords) = model[grain];
                if (random.Next(10) == 0 && step % 2 == 0)
                {
                    // A stale write is refused and changes nothing.
                    await Assert.ThrowsAsync<VersionConflictException>(() => store.WriteAsync("m", grain, "x"u8.ToArray(), (version ?? 0) + 5));
                }
                else if (random.Next(15) == 0 && version is not null)
                {
                    var cleared = await store.WriteAsync("m", grain, null, version);
                    model[grain] = (cleared, null, modelRecords);
                }
                else
                {
                    var header = $"h{step}";
                    var changes = Enumerable.Range(0, random.Next(4)).Select(_ => new KeyValuePair<string, byte[]>(
                        $"k{random.Next(12):D2}", System.Text.Encoding.UTF8.GetBytes($"v{step}-{random.Next(1000)}"))).ToList();
                    var written = await store.WriteAsync("m", grain, System.Text.Encoding.UTF8.GetBytes(header), version, changes);
                    foreach (var (key, value) in changes) modelRecords[key] = System.Text.Encoding.UTF8.GetString(value);
                    model[grain] = (written, header, modelRecords);
                }
                if (step % 25 == 0 || step == 299) await AssertMatchesAsync(store);
            }
            store.Dispose();
            store = new SqliteStore(path, NullLogger<SqliteStore>.Instance, foldEvery); // folds what the log still held
            await AssertMatchesAsync(store);
        }
        finally
        {
            store.Dispose();
        }

        async Task AssertMatchesAsync(SqliteStore s)
        {
            foreach (var grain in grains)
            {
                var (version, header, records) = model[grain];
                var (stored, storedRecords) = await s.ReadWithRecordsAsync("m", grain);
                Assert.Equal(version, stored?.Version);
                Assert.Equal(header, stored?.Data is { } data ? System.Text.Encoding.UTF8.GetString(data) : null);
                Assert.Equal(records.Values.Order(), storedRecords.Select(r => System.Text.Encoding.UTF8.GetString(r)).Order());
                Assert.Equal(version, (await s.ReadAsync("m", grain))?.Version);
            }
        }
    }

    /// <summary>
    /// A store whose log was written before a record's row could carry its header (no <c>header</c> column; headers in rows
    /// of their own) opens, and reads what those rows said; later writes carry their header on a record's row.
    /// </summary>
    [Fact]
    public async Task A_log_from_before_headers_rode_on_records_is_read_as_written()
    {
        var path = Path.Combine(_directory.Path, "old-log.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE grain_log (seq INTEGER PRIMARY KEY, state_name TEXT NOT NULL, grain_id TEXT NOT NULL, record_key TEXT NULL,
                    version INTEGER NULL, data BLOB NULL, expires_ms INTEGER NULL);
                INSERT INTO grain_log VALUES (1, 'm', 'g', NULL, 1, CAST('h1' AS BLOB), NULL);
                INSERT INTO grain_log VALUES (2, 'm', 'g', 'k1', NULL, CAST('v1' AS BLOB), NULL);
                INSERT INTO grain_log VALUES (3, 'm', 'g', NULL, 2, CAST('h2' AS BLOB), NULL);
                INSERT INTO grain_log VALUES (4, 'm', 'g', 'k2', NULL, CAST('v2' AS BLOB), NULL);
                """;
            create.ExecuteNonQuery();
        }
        using (var store = new SqliteStore(path, NullLogger<SqliteStore>.Instance))
        {
            var (header, records) = await store.ReadWithRecordsAsync("m", "g");
            Assert.Equal((2L, "h2"), (header!.Value.Version, Utf8(header.Value.Data!)));
            Assert.Equal(["v1", "v2"], records.Select(Utf8).Order());
            Assert.Equal(3, await store.WriteAsync("m", "g", "h3"u8.ToArray(), 2, [new("k3", "v3"u8.ToArray())]));
        }
        using (var reopened = new SqliteStore(path, NullLogger<SqliteStore>.Instance))
        {
            var (header, records) = await reopened.ReadWithRecordsAsync("m", "g");
            Assert.Equal((3L, "h3"), (header!.Value.Version, Utf8(header.Value.Data!)));
            Assert.Equal(["v1", "v2", "v3"], records.Select(Utf8).Order());
        }
    }

    /// <summary>A header written with one record is one row of the log, and reads (before and after folding) see both.</summary>
    [Fact]
    public async Task A_header_written_with_records_rides_on_the_first_record_row()
    {
        var path = Path.Combine(_directory.Path, "ride.db");
        using (var store = new SqliteStore(path, NullLogger<SqliteStore>.Instance))
        {
            await store.WriteAsync("m", "g", "h1"u8.ToArray(), null, [new("k1", "v1"u8.ToArray())]);
            await store.WriteAsync("m", "g", "h2"u8.ToArray(), 1, [new("k2", "v2"u8.ToArray()), new("k1", "v1b"u8.ToArray())]);
            await store.WriteAsync("m", "g", "h3"u8.ToArray(), 2); // a header alone
            await store.WriteAsync("m", "g", "h4"u8.ToArray(), 3, [new("k3", "v3"u8.ToArray())]);
            using (var log = new SqliteConnection($"Data Source={path};Pooling=false"))
            {
                log.Open();
                using var rows = log.CreateCommand();
                rows.CommandText = "SELECT count(*) FROM grain_log";
                Assert.Equal(5L, (long)rows.ExecuteScalar()!); // k1 (+h1), k2 (+h2), k1, h3, k3 (+h4)
            }
            var (header, records) = await store.ReadWithRecordsAsync("m", "g");
            Assert.Equal((4L, "h4"), (header!.Value.Version, Utf8(header.Value.Data!)));
            Assert.Equal(["v1b", "v2", "v3"], records.Select(Utf8).Order());
            await Assert.ThrowsAsync<VersionConflictException>(() => store.WriteAsync("m", "g", "stale"u8.ToArray(), 3, [new("k9", "x"u8.ToArray())]));
        }
        using (var reopened = new SqliteStore(path, NullLogger<SqliteStore>.Instance)) // folds the log into the tables
        {
            var (header, records) = await reopened.ReadWithRecordsAsync("m", "g");
            Assert.Equal((4L, "h4"), (header!.Value.Version, Utf8(header.Value.Data!)));
            Assert.Equal(["v1b", "v2", "v3"], records.Select(Utf8).Order());
            Assert.Equal(4L, (await reopened.ReadAsync("m", "g"))!.Value.Version);
        }
    }

    private static string Utf8(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}

/// <summary>The whole contract again with the log folded into the tables at every commit.</summary>
public sealed class SqliteGrainStorageFoldingTests : SqliteGrainStorageTests
{
    protected override int FoldEvery => 1;
}

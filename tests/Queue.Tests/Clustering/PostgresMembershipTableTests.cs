using System.Net;
using CounterQueue.Silo.Clustering;
using CounterQueue.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;

namespace CounterQueue.Tests.Clustering;

/// <summary>
/// Our PostgreSQL membership table against what Orleans' own membership tests (MembershipTableTestsBase) check: read
/// all, insert, a conflicting insert, updates from a stale ETag or table version, I-am-alive, clean-up of defunct silos,
/// deleting a cluster, and concurrent updates from several silos — on a real PostgreSQL.
/// </summary>
public sealed class PostgresMembershipTableTests : IAsyncLifetime
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
    private NpgsqlDataSource _database = null!;
    private PostgresMembershipTable _table = null!;
    private static int _generation = 1;

    public async Task InitializeAsync()
    {
        _database = NpgsqlDataSource.Create(await TestPostgres.FreshDatabaseAsync());
        _table = Table("cluster-a");
        await _table.InitializeMembershipTable(tryInitTableVersion: true);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private PostgresMembershipTable Table(string clusterId) => new(_database, Serializer, clusterId);

    private static MembershipEntry Entry(SiloStatus status = SiloStatus.Joining, DateTime? alive = null)
    {
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11000 + Interlocked.Increment(ref _generation) % 1000), Interlocked.Increment(ref _generation)),
            Status = status,
            HostName = "host",
            SiloName = $"silo-{_generation}",
            ProxyPort = 0,
            RoleName = "role",
            StartTime = now,
            IAmAliveTime = alive ?? now,
            SuspectTimes = [],
        };
    }

    [Fact]
    public async Task An_empty_table_reads_as_no_silos_at_version_zero()
    {
        var data = await _table.ReadAll();
        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.NotNull(data.Version.VersionEtag);
        await _table.InitializeMembershipTable(tryInitTableVersion: true); // a second silo starting: nothing changes
        Assert.Equal(data.Version.VersionEtag, (await _table.ReadAll()).Version.VersionEtag);
    }

    [Fact]
    public async Task A_row_is_inserted_once_and_read_back_whole_and_a_second_insert_of_it_is_refused()
    {
        var data = await _table.ReadAll();
        var entry = Entry();
        Assert.True(await _table.InsertRow(entry, data.Version.Next()));
        data = await _table.ReadAll();
        Assert.Equal(1, data.Version.Version);
        var (read, etag) = Assert.Single(data.Members);
        Assert.Equal((entry.SiloAddress, entry.Status, entry.SiloName, entry.HostName), (read.SiloAddress, read.Status, read.SiloName, read.HostName));
        Assert.Equal(entry.IAmAliveTime, read.IAmAliveTime, TimeSpan.FromMilliseconds(1));
        Assert.NotNull(etag);

        Assert.False(await _table.InsertRow(entry, data.Version.Next())); // the same silo again: refused, and the version stays
        Assert.Equal(1, (await _table.ReadAll()).Version.Version);
        var row = await _table.ReadRow(entry.SiloAddress);
        Assert.Equal(entry.SiloAddress, Assert.Single(row.Members).Item1.SiloAddress);
        Assert.Empty((await _table.ReadRow(Entry().SiloAddress)).Members);
    }

    [Fact]
    public async Task An_insert_or_update_from_a_stale_table_version_is_refused_and_changes_nothing()
    {
        var start = await _table.ReadAll();
        Assert.True(await _table.InsertRow(Entry(), start.Version.Next()));
        Assert.False(await _table.InsertRow(Entry(), start.Version.Next())); // someone else moved the table on
        var data = await _table.ReadAll();
        var (entry, etag) = Assert.Single(data.Members);
        entry.Status = SiloStatus.Active;
        Assert.False(await _table.UpdateRow(entry, etag, start.Version.Next()));
        Assert.Equal(SiloStatus.Joining, (await _table.ReadAll()).Members.Single().Item1.Status);
    }

    [Fact]
    public async Task An_update_from_the_current_etag_wins_and_one_from_a_stale_etag_is_refused()
    {
        Assert.True(await _table.InsertRow(Entry(), (await _table.ReadAll()).Version.Next()));
        var data = await _table.ReadAll();
        var (entry, etag) = data.Members.Single();
        entry.Status = SiloStatus.Active;
        Assert.True(await _table.UpdateRow(entry, etag, data.Version.Next()));

        var now = await _table.ReadAll();
        var (active, newEtag) = now.Members.Single();
        Assert.Equal(SiloStatus.Active, active.Status);
        Assert.NotEqual(etag, newEtag);
        Assert.Equal(2, now.Version.Version);
        active.Status = SiloStatus.Dead;
        Assert.False(await _table.UpdateRow(active, etag, now.Version.Next())); // the row's old ETag
        Assert.Equal(SiloStatus.Active, (await _table.ReadAll()).Members.Single().Item1.Status);
    }

    [Fact]
    public async Task I_am_alive_moves_only_the_time_without_a_new_version()
    {
        Assert.True(await _table.InsertRow(Entry(), (await _table.ReadAll()).Version.Next()));
        var before = await _table.ReadAll();
        var (entry, etag) = before.Members.Single();
        var later = DateTime.UtcNow.AddMinutes(3);
        entry.IAmAliveTime = later;
        await _table.UpdateIAmAlive(entry);
        var after = await _table.ReadAll();
        Assert.Equal(later, after.Members.Single().Item1.IAmAliveTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal(before.Version.VersionEtag, after.Version.VersionEtag);
        Assert.Equal(etag, after.Members.Single().Item2);
    }

    [Fact]
    public async Task Clean_up_deletes_only_silos_dead_since_before_the_date()
    {
        var old = DateTime.UtcNow.AddHours(-2);
        var (deadLongAgo, deadJustNow, aliveLongAgo) = (Entry(SiloStatus.Dead, old), Entry(SiloStatus.Dead), Entry(SiloStatus.Active, old));
        foreach (var e in new[] { deadLongAgo, deadJustNow, aliveLongAgo })
            Assert.True(await _table.InsertRow(e, (await _table.ReadAll()).Version.Next()));
        await _table.CleanupDefunctSiloEntries(DateTimeOffset.UtcNow.AddHours(-1));
        var left = (await _table.ReadAll()).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.Equal([deadJustNow.SiloAddress, aliveLongAgo.SiloAddress], left.OrderBy(a => a.Generation));
    }

    [Fact]
    public async Task Deleting_a_cluster_leaves_other_clusters_in_the_same_database_alone()
    {
        var other = Table("cluster-b");
        await other.InitializeMembershipTable(true);
        Assert.True(await _table.InsertRow(Entry(), (await _table.ReadAll()).Version.Next()));
        Assert.True(await other.InsertRow(Entry(), (await other.ReadAll()).Version.Next()));
        await _table.DeleteMembershipTableEntries("cluster-a");
        Assert.Empty((await _table.ReadAll()).Members);
        Assert.Single((await other.ReadAll()).Members);
    }

    [Fact]
    public async Task Silos_updating_at_once_each_get_through_exactly_once_and_the_version_counts_every_change()
    {
        const int silos = 8, changesEach = 5;
        var entries = Enumerable.Range(0, silos).Select(_ => Entry()).ToList();
        foreach (var e in entries) Assert.True(await _table.InsertRow(e, (await _table.ReadAll()).Version.Next()));
        var wins = 0;
        var conflicts = 0;
        await Task.WhenAll(entries.Select(mine => Task.Run(async () =>
        {
            var table = Table("cluster-a"); // each silo its own instance, as on separate hosts
            for (var change = 0; change < changesEach;)
            {
                var data = await table.ReadAll();
                var (entry, etag) = data.Members.Single(m => m.Item1.SiloAddress.Equals(mine.SiloAddress));
                entry.SiloName = $"{mine.SiloName}-{change + 1}";
                if (await table.UpdateRow(entry, etag, data.Version.Next()))
                {
                    Interlocked.Increment(ref wins);
                    change++;
                }
                else Interlocked.Increment(ref conflicts);
            }
        })));
        var final = await _table.ReadAll();
        Assert.Equal(silos * changesEach, wins);
        Assert.Equal(silos + silos * changesEach, final.Version.Version); // every insert and update moved it on once
        Assert.All(entries, e => Assert.Equal($"{e.SiloName}-{changesEach}",
            final.Members.Single(m => m.Item1.SiloAddress.Equals(e.SiloAddress)).Item1.SiloName));
    }
}

using System.Diagnostics;
using CounterQueue.Silo.Storage;
using CounterQueue.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CounterQueue.Tests.Storage;

/// <summary>
/// Group commit's wait (issue #9): a commit of a few writes waits a moment for the writes on their way, so one fsync serves
/// more of them under load; a lone write and a full batch never wait. The waits here are long (hundreds of milliseconds to
/// seconds) so that the outcome does not depend on how fast the machine is.
/// </summary>
public sealed class SqliteCommitDelayTests : IDisposable
{
    private readonly TempDirectory _directory = new("commit-delay");

    private SqliteStore Open(TimeSpan delay) => new(Path.Combine(_directory.Path, $"{Guid.NewGuid():N}.db"), NullLogger<SqliteStore>.Instance, commitDelay: delay);

    [Fact]
    public async Task A_commit_of_a_few_writes_waits_for_the_writes_on_their_way_and_takes_them_along()
    {
        using var store = Open(TimeSpan.FromMilliseconds(800));
        Task<long> first, second;
        long before;
        using (store.PauseWriter())
        {
            before = store.Commits; // the pause's own batch is not committed yet
            first = store.WriteAsync("s", "a", [1], null);
            second = store.WriteAsync("s", "b", [2], null);
        }
        await Task.Delay(150); // by now the writer has taken the two and waits for more
        var later = Enumerable.Range(0, 3).Select(i => store.WriteAsync("s", $"c{i}", [3], null)).ToList();
        await Task.WhenAll([first, second, .. later]);
        Assert.Equal(before + 2, store.Commits); // the pause's commit, then one for all five (without the wait: two)
        Assert.All(await Task.WhenAll(new[] { "a", "b", "c0", "c1", "c2" }.Select(g => store.ReadAsync("s", g))), s => Assert.Equal(1, s!.Value.Version));
    }

    [Fact]
    public async Task A_lone_write_never_waits()
    {
        using var store = Open(TimeSpan.FromSeconds(5));
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++) await store.WriteAsync("s", "quiet", [1], i == 0 ? null : i);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"three lone writes took {watch.Elapsed}: they waited for company");
    }

    [Fact]
    public async Task Ten_writes_waiting_at_once_go_without_waiting()
    {
        using var store = Open(TimeSpan.FromSeconds(5));
        List<Task<long>> writes;
        using (store.PauseWriter())
            writes = Enumerable.Range(0, SqliteStore.CommitSiblings).Select(i => store.WriteAsync("s", $"g{i}", [1], null)).ToList();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(writes);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{writes.Count} writes waiting together took {watch.Elapsed}: a full batch waited");
    }

    [Fact]
    public void A_negative_or_huge_wait_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Open(TimeSpan.FromMilliseconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Open(TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData(0, true)]      // off
    [InlineData(300, true)]    // the default
    [InlineData(10_000, true)]
    [InlineData(-1, false)]
    [InlineData(10_001, false)]
    public void The_setting_is_checked_at_start_up(int microseconds, bool valid) =>
        Assert.Equal(valid, new CounterQueue.Silo.Infrastructure.QueueOptionsValidator()
            .Validate(null, new CounterQueue.Silo.Infrastructure.QueueOptions { CommitDelayMicroseconds = microseconds }).Succeeded);

    public void Dispose() => _directory.Dispose();
}

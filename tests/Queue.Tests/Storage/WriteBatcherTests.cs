using CounterQueue.Silo.Infrastructure;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Storage;

/// <summary>The writer every reentrant grain persists through: one write in flight, later changes share the next.</summary>
public sealed class WriteBatcherTests
{
    [Fact]
    public async Task Changes_made_while_a_write_is_in_flight_share_the_next_write_and_none_completes_early()
    {
        var writes = new List<TaskCompletionSource>();
        Task Write()
        {
            var write = new TaskCompletionSource();
            writes.Add(write);
            return write.Task;
        }
        var batcher = new WriteBatcher(Write);

        var first = batcher.WriteAsync();   // starts write 1
        var second = batcher.WriteAsync();  // waits for write 2, which starts after write 1
        var third = batcher.WriteAsync();   // shares write 2
        Assert.Single(writes);
        Assert.False(first.IsCompleted);

        writes[0].SetResult();
        await first;
        // Write 2 starts only now, carrying both later changes (its start is a continuation of write 1: wait for it).
        await Poll.UntilAsync(() => writes.Count == 2, TimeSpan.FromSeconds(5), "write 2 starts");
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        writes[1].SetResult();
        await Task.WhenAll(second, third);
        Assert.Equal(2, writes.Count);
    }

    [Fact]
    public async Task A_failed_write_fails_its_callers_and_runs_the_failure_action_then_the_next_change_writes_again()
    {
        var failures = 0;
        var attempts = 0;
        var batcher = new WriteBatcher(() => ++attempts == 1 ? Task.FromException(new IOException("disk full")) : Task.CompletedTask,
            onFailure: () => failures++);

        await Assert.ThrowsAsync<IOException>(batcher.WriteAsync);
        Assert.Equal(1, failures);
        await batcher.WriteAsync();
        Assert.Equal((2, 1), (attempts, failures));
    }
}

using Orleans.Runtime;
using CounterQueue.Silo.Storage;
using Orleans.Storage;

namespace CounterQueue.Tests.Storage;

/// <summary>
/// What any CounterQueue grain storage must do, whatever the database behind it: the embedded
/// SQLite provider passes it now, and a PostgreSQL provider must pass the same suite by deriving
/// from this class.
/// </summary>
public abstract class GrainStorageContract : IAsyncLifetime
{
    protected IGrainStorage Storage { get; private set; } = null!;

    /// <summary>Opens the provider on a fresh, empty database.</summary>
    protected abstract Task<IGrainStorage> OpenAsync();

    /// <summary>Closes the provider and opens a new one on the same data (as after a restart).</summary>
    protected abstract Task<IGrainStorage> ReopenAsync();

    public async Task InitializeAsync() => Storage = await OpenAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    public sealed class Sample
    {
        public string Name { get; set; } = "";
        public int Count { get; set; }
        public List<string> Items { get; set; } = [];
    }

    /// <summary>The retention the storages under test are given: state "expiring" goes <c>Count</c> days after the epoch, record set "expiring-r" 10 days after.</summary>
    protected static IStateExpiry Expiry { get; } = new ContractExpiry();

    private sealed class ContractExpiry : IStateExpiry
    {
        public DateTimeOffset? ExpiresAt(string stateName, GrainId grainId, object? state) => stateName switch
        {
            "expiring" => DateTimeOffset.UnixEpoch.AddDays(((Sample)state!).Count),
            "expiring-r" => DateTimeOffset.UnixEpoch.AddDays(10),
            _ => null,
        };
    }

    private static GrainId NewGrain() => GrainId.Create("contract", Guid.NewGuid().ToString("N"));

    private static GrainState<Sample> State(string name = "a", int count = 1) => new(new Sample { Name = name, Count = count, Items = ["x", "y"] });

    [Fact]
    public async Task Reading_a_state_never_written_gives_the_default_without_an_etag()
    {
        var state = new GrainState<Sample>(new Sample { Name = "not from storage" });
        await Storage.ReadStateAsync("s", NewGrain(), state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal("", state.State!.Name);
    }

    [Fact]
    public async Task A_written_state_reads_back_after_a_restart()
    {
        var grain = NewGrain();
        var written = State("kept", 7);
        await Storage.WriteStateAsync("s", grain, written);
        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);

        var storage = await ReopenAsync();
        var read = new GrainState<Sample>(new Sample());
        await storage.ReadStateAsync("s", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(("kept", 7), (read.State!.Name, read.State!.Count));
        Assert.Equal(["x", "y"], read.State!.Items);
    }

    [Fact]
    public async Task Each_write_changes_the_etag()
    {
        var grain = NewGrain();
        var state = State();
        await Storage.WriteStateAsync("s", grain, state);
        var first = state.ETag;
        state.State!.Count++;
        await Storage.WriteStateAsync("s", grain, state);
        Assert.NotEqual(first, state.ETag);
    }

    [Fact]
    public async Task A_write_from_a_stale_etag_is_refused_and_changes_nothing()
    {
        var grain = NewGrain();
        var holder = State("first");
        await Storage.WriteStateAsync("s", grain, holder);
        var stale = new GrainState<Sample>(new Sample { Name = "stale" }, holder.ETag);
        holder.State!.Name = "second";
        await Storage.WriteStateAsync("s", grain, holder);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("s", grain, stale));
        var read = new GrainState<Sample>(new Sample());
        await Storage.ReadStateAsync("s", grain, read);
        Assert.Equal("second", read.State!.Name);
    }

    [Fact]
    public async Task Of_two_writers_with_the_same_etag_exactly_one_wins()
    {
        var grain = NewGrain();
        var original = State();
        await Storage.WriteStateAsync("s", grain, original);
        var a = new GrainState<Sample>(new Sample { Name = "a" }, original.ETag) { RecordExists = true };
        var b = new GrainState<Sample>(new Sample { Name = "b" }, original.ETag) { RecordExists = true };

        var results = await Task.WhenAll(Attempt(a), Attempt(b));
        Assert.Single(results, ok => ok);

        async Task<bool> Attempt(GrainState<Sample> s)
        {
            try
            {
                await Storage.WriteStateAsync("s", grain, s);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task Creating_a_record_that_already_exists_is_refused()
    {
        var grain = NewGrain();
        await Storage.WriteStateAsync("s", grain, State());
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("s", grain, State("again")));
    }

    [Fact]
    public async Task A_cleared_state_reads_as_absent_and_can_be_written_again_but_not_from_an_old_etag()
    {
        var grain = NewGrain();
        var state = State();
        await Storage.WriteStateAsync("s", grain, state);
        var beforeClear = state.ETag;
        await Storage.ClearStateAsync("s", grain, state);
        Assert.False(state.RecordExists);

        var read = new GrainState<Sample>(new Sample());
        await Storage.ReadStateAsync("s", grain, read);
        Assert.False(read.RecordExists);
        Assert.Equal("", read.State!.Name);

        var old = new GrainState<Sample>(new Sample { Name = "old" }, beforeClear) { RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("s", grain, old));

        read.State!.Name = "new life";
        await Storage.WriteStateAsync("s", grain, read);
        var again = new GrainState<Sample>(new Sample());
        await Storage.ReadStateAsync("s", grain, again);
        Assert.Equal("new life", again.State!.Name);
    }

    [Fact]
    public async Task States_are_kept_apart_by_name_and_grain()
    {
        var grain = NewGrain();
        var other = NewGrain();
        await Storage.WriteStateAsync("one", grain, State("one"));
        await Storage.WriteStateAsync("two", grain, State("two"));
        await Storage.WriteStateAsync("one", other, State("other"));

        foreach (var (name, id, expected) in new[] { ("one", grain, "one"), ("two", grain, "two"), ("one", other, "other") })
        {
            var read = new GrainState<Sample>(new Sample());
            await Storage.ReadStateAsync(name, id, read);
            Assert.Equal(expected, read.State!.Name);
        }
    }

    [Fact]
    public async Task Many_concurrent_writes_from_different_grains_are_all_durable()
    {
        var grains = Enumerable.Range(0, 300).Select(_ => NewGrain()).ToList();
        await Task.WhenAll(grains.Select((g, i) => Storage.WriteStateAsync("s", g, State($"g{i}", i))));

        var storage = await ReopenAsync();
        var reads = await Task.WhenAll(grains.Select(async (g, i) =>
        {
            var read = new GrainState<Sample>(new Sample());
            await storage.ReadStateAsync("s", g, read);
            return read.State!.Count == i && read.State!.Name == $"g{i}";
        }));
        Assert.All(reads, Assert.True);
    }

    [Fact]
    public async Task A_large_state_round_trips()
    {
        var grain = NewGrain();
        var state = new GrainState<Sample>(new Sample { Name = "大きい状態", Items = Enumerable.Range(0, 5000).Select(i => $"番号札-{i:0000}").ToList() });
        await Storage.WriteStateAsync("s", grain, state);
        var read = new GrainState<Sample>(new Sample());
        await Storage.ReadStateAsync("s", grain, read);
        Assert.Equal(state.State!.Items, read.State!.Items);
        Assert.Equal("大きい状態", read.State!.Name);
    }

    private static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);
    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
    private static KeyValuePair<string, byte[]> Record(string key, string value) => new(key, Bytes(value));
    private IRecordSetStorage Records => Assert.IsAssignableFrom<IRecordSetStorage>(Storage);

    [Fact]
    public async Task A_record_set_writes_only_what_changed_and_reads_back_whole_after_a_restart()
    {
        var grain = NewGrain();
        var empty = await Records.ReadRecordSetAsync("r", grain);
        Assert.Null(empty.Header);
        Assert.Null(empty.ETag);
        Assert.Empty(empty.Records);

        var etag = await Records.WriteRecordSetAsync("r", grain, Bytes("h1"), [Record("a", "A1"), Record("b", "B1")], null);
        etag = await Records.WriteRecordSetAsync("r", grain, Bytes("h2"), [Record("b", "B2"), Record("c", "C1")], etag);
        etag = await Records.WriteRecordSetAsync("r", grain, Bytes("h3"), [], etag); // the header alone

        var storage = Assert.IsAssignableFrom<IRecordSetStorage>(await ReopenAsync());
        var read = await storage.ReadRecordSetAsync("r", grain);
        Assert.Equal("h3", Text(read.Header!));
        Assert.Equal(etag, read.ETag);
        Assert.Equal(["A1", "B2", "C1"], read.Records.Select(Text).Order());
    }

    [Fact]
    public async Task A_record_set_write_from_a_stale_etag_is_refused_and_writes_no_record()
    {
        var grain = NewGrain();
        var first = await Records.WriteRecordSetAsync("r", grain, Bytes("h1"), [Record("a", "A1")], null);
        var second = await Records.WriteRecordSetAsync("r", grain, Bytes("h2"), [Record("a", "A2")], first);
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Records.WriteRecordSetAsync("r", grain, Bytes("stale"), [Record("a", "stale"), Record("z", "stale")], first));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Records.WriteRecordSetAsync("r", grain, Bytes("again"), [Record("y", "new")], null)); // it exists already
        var read = await Records.ReadRecordSetAsync("r", grain);
        Assert.Equal(("h2", second), (Text(read.Header!), read.ETag));
        Assert.Equal(["A2"], read.Records.Select(Text));
        // The header is the state of the same name: the grain-state ETag rules and the record set's are one.
        var state = new GrainState<Sample>();
        Assert.Empty((await Records.ReadRecordSetAsync("r", NewGrain())).Records);
        await Storage.ReadStateAsync("other", grain, state);
        Assert.Null(state.ETag);
    }

    [Fact]
    public async Task Record_sets_of_different_grains_and_names_are_kept_apart()
    {
        var (one, two) = (NewGrain(), NewGrain());
        await Records.WriteRecordSetAsync("r", one, Bytes("h"), [Record("k", "one")], null);
        await Records.WriteRecordSetAsync("r", two, Bytes("h"), [Record("k", "two")], null);
        await Records.WriteRecordSetAsync("q", one, Bytes("h"), [Record("k", "q-one")], null);
        Assert.Equal(["one"], (await Records.ReadRecordSetAsync("r", one)).Records.Select(Text));
        Assert.Equal(["two"], (await Records.ReadRecordSetAsync("r", two)).Records.Select(Text));
        Assert.Equal(["q-one"], (await Records.ReadRecordSetAsync("q", one)).Records.Select(Text));
    }

    [Fact]
    public async Task Expired_states_and_their_records_are_pruned_and_the_rest_kept()
    {
        var pruner = Assert.IsAssignableFrom<IExpiredStatePruner>(Storage);
        var (early, late, moved, kept, set) = (NewGrain(), NewGrain(), NewGrain(), NewGrain(), NewGrain());
        var earlyState = State("early", 5);
        await Storage.WriteStateAsync("expiring", early, earlyState);
        await Storage.WriteStateAsync("expiring", late, State("late", 20));
        var movedState = State("moved", 6);
        await Storage.WriteStateAsync("expiring", moved, movedState);
        movedState.State!.Count = 30; // its latest write puts its expiry later
        await Storage.WriteStateAsync("expiring", moved, movedState);
        await Storage.WriteStateAsync("s", kept, State("kept", 1));
        await Records.WriteRecordSetAsync("expiring-r", set, Bytes("h"), [Record("a", "A"), Record("b", "B")], null);

        Assert.Equal(0, await pruner.PruneExpiredAsync(DateTimeOffset.UnixEpoch.AddDays(4)));
        Assert.Equal(2, await pruner.PruneExpiredAsync(DateTimeOffset.UnixEpoch.AddDays(11))); // early and the record set

        var storage = await ReopenAsync();
        async Task<GrainState<Sample>> ReadAsync(string name, GrainId grain)
        {
            var state = new GrainState<Sample>(new Sample());
            await storage.ReadStateAsync(name, grain, state);
            return state;
        }
        var gone = await ReadAsync("expiring", early);
        Assert.False(gone.RecordExists);
        Assert.Null(gone.ETag);
        Assert.Equal(("late", "moved", "kept"), ((await ReadAsync("expiring", late)).State!.Name, (await ReadAsync("expiring", moved)).State!.Name,
            (await ReadAsync("s", kept)).State!.Name));
        var emptySet = await Assert.IsAssignableFrom<IRecordSetStorage>(storage).ReadRecordSetAsync("expiring-r", set);
        Assert.Null(emptySet.Header);
        Assert.Empty(emptySet.Records);

        // An activation still holding the deleted state cannot write over it; a fresh one starts it again.
        earlyState.State!.Count = 50;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("expiring", early, earlyState));
        await storage.WriteStateAsync("expiring", early, State("again", 50));
        Assert.Equal("again", (await ReadAsync("expiring", early)).State!.Name);
        Assert.Equal(2, await Assert.IsAssignableFrom<IExpiredStatePruner>(storage).PruneExpiredAsync(DateTimeOffset.UnixEpoch.AddDays(31))); // late, moved
        Assert.Equal("again", (await ReadAsync("expiring", early)).State!.Name);
    }
}

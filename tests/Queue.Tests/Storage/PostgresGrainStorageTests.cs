using CounterQueue.Silo.Storage;
using CounterQueue.Tests.Support;
using Npgsql;
using Orleans.Storage;

namespace CounterQueue.Tests.Storage;

/// <summary>The PostgreSQL storage of cluster mode against the same contract as the embedded store, on a real PostgreSQL.</summary>
public sealed class PostgresGrainStorageTests : GrainStorageContract
{
    private NpgsqlDataSource? _database;

    protected override async Task<IGrainStorage> OpenAsync()
    {
        _database = NpgsqlDataSource.Create(await TestPostgres.FreshDatabaseAsync());
        await PostgresGrainStorage.EnsureSchemaAsync(_database);
        return new PostgresGrainStorage("test", _database, new StateJsonSerializer(), expiry: Expiry);
    }

    protected override async Task<IGrainStorage> ReopenAsync()
    {
        // A new connection pool on the same database: nothing is cached in between.
        var connectionString = _database!.ConnectionString;
        await _database.DisposeAsync();
        _database = NpgsqlDataSource.Create(connectionString);
        return new PostgresGrainStorage("test", _database, new StateJsonSerializer(), expiry: Expiry);
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_schema_set_up_that_failed_is_tried_again_by_the_next_call()
    {
        var server = await TestPostgres.ServerConnectionStringAsync();
        var name = $"cq_later_{Guid.NewGuid():N}"[..24];
        await using var later = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server) { Database = name, PersistSecurityInfo = true }.ConnectionString);
        var storage = new PostgresGrainStorage("test", later, new StateJsonSerializer());
        var grain = Orleans.Runtime.GrainId.Create("contract", "later");
        var state = new GrainState<Sample>(new Sample());
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => storage.ReadStateAsync("s", grain, state)); // the database is not there yet

        await using (var admin = NpgsqlDataSource.Create(server))
        await using (var create = admin.CreateCommand($"CREATE DATABASE {name}"))
            await create.ExecuteNonQueryAsync();
        state.State = new Sample { Name = "after" };
        await storage.WriteStateAsync("s", grain, state); // the same instance: set-up runs again and succeeds
        var read = new GrainState<Sample>(new Sample());
        await storage.ReadStateAsync("s", grain, read);
        Assert.Equal("after", read.State!.Name);
    }
}

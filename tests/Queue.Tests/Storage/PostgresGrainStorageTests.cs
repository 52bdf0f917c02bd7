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
}

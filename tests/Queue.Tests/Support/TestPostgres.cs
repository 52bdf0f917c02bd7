using Npgsql;

namespace CounterQueue.Tests.Support;

/// <summary>
/// The PostgreSQL the tests of cluster mode use: the server that test.sh starts (deploy/test-postgres.sh;
/// its connection string in QUEUE_TEST_POSTGRES). Each test gets a database of its own.
/// </summary>
public static class TestPostgres
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("QUEUE_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : throw new InvalidOperationException(
                "QUEUE_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts a PostgreSQL (deploy/test-postgres.sh).");

    public static async Task<string> FreshDatabaseAsync()
    {
        var name = $"cq_test_{Guid.NewGuid():N}"[..24];
        await using (var server = NpgsqlDataSource.Create(ServerConnectionString))
        await using (var command = server.CreateCommand($"CREATE DATABASE {name}"))
            await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }
}

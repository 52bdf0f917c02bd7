using CounterQueue.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace CounterQueue.Tests.Storage;

/// <summary>Which PostgreSQL the cluster-mode tests ran on, said in the output; on CI it must be Testcontainers'.</summary>
public sealed class PostgresRouteTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_PostgreSQL_tests_say_which_route_they_took_and_on_CI_it_is_a_container_from_Testcontainers()
    {
        var connectionString = await TestPostgres.FreshDatabaseAsync();
        output.WriteLine($"PostgreSQL route: {TestPostgres.Route}{(TestPostgres.FallbackReason is { Length: > 0 } why ? $" ({why})" : "")}");
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var command = database.CreateCommand("SHOW data_directory");
        var dataDirectory = (string)(await command.ExecuteScalarAsync())!;
        output.WriteLine($"data directory: {dataDirectory}");
        if (TestPostgres.Route == TestPostgres.TestcontainersRoute)
            Assert.Equal("/var/lib/postgresql/data", dataDirectory); // inside the container, not a server on this machine
        else
            Assert.Equal(TestPostgres.ThrowAwayServerRoute, TestPostgres.Route);
        if (Environment.GetEnvironmentVariable("CI") is "true" or "1")
            Assert.True(TestPostgres.Route == TestPostgres.TestcontainersRoute, $"CI must take the Testcontainers route: {TestPostgres.FallbackReason}");
    }
}

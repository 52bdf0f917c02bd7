using Npgsql;
using Testcontainers.PostgreSql;

namespace CounterQueue.Tests.Support;

/// <summary>
/// The PostgreSQL the tests of cluster mode use, one server for the whole run, each test a database of its own.
/// The server comes from Testcontainers (Testcontainers.PostgreSql) whenever a Docker-compatible engine answers: Docker,
/// or podman's Docker API (deploy/podman/setup.sh, which test.sh runs; image QUEUE_POSTGRES_IMAGE, else postgres:15).
/// Where none can run, it falls back to the throw-away server test.sh then starts (deploy/test-postgres.sh, its
/// connection string in QUEUE_TEST_POSTGRES) and says so loudly. <see cref="Route"/> says which ran.
/// </summary>
public static class TestPostgres
{
    public const string TestcontainersRoute = "Testcontainers";
    public const string ThrowAwayServerRoute = "throw-away server (deploy/test-postgres.sh)";

    private static readonly Lazy<Task<string>> Server = new(StartAsync);
    private static PostgreSqlContainer? _container;

    /// <summary>Which route the server came by (after the first database was made), and why, if it fell back.</summary>
    public static string? Route { get; private set; }
    public static string? FallbackReason { get; private set; }

    public static Task<string> ServerConnectionStringAsync() => Server.Value;

    public static async Task<string> FreshDatabaseAsync()
    {
        var server = await Server.Value;
        var name = $"cq_test_{Guid.NewGuid():N}"[..24];
        await using (var source = NpgsqlDataSource.Create(server))
        await using (var command = source.CreateCommand($"CREATE DATABASE {name}"))
            await command.ExecuteNonQueryAsync();
        // Persist Security Info: a test that reopens from NpgsqlDataSource.ConnectionString keeps the password.
        return new NpgsqlConnectionStringBuilder(server) { Database = name, PersistSecurityInfo = true }.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        if (EngineAvailable(out var why))
        {
            // podman's Docker API now and then refuses a container's start ("exit status 1", status 500) and accepts the next
            // one: a few attempts before giving up.
            var image = Environment.GetEnvironmentVariable("QUEUE_POSTGRES_IMAGE") is { Length: > 0 } local ? local : "postgres:15";
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                var container = new PostgreSqlBuilder(image)
                    .WithDatabase("counterqueue").WithUsername("counterqueue").WithPassword("counterqueue-test")
                    .WithLabel("counterqueue.tests", "true") // test.sh removes any left behind
                    .WithCommand("-c", "max_connections=300") // every test's pools at once, as on the throw-away server
                    .Build();
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
                    await container.StartAsync(timeout.Token);
                    _container = container;
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
                    Route = TestcontainersRoute;
                    Announce($"PostgreSQL for the tests: {TestcontainersRoute}, image {image}, {container.Hostname}:{container.GetMappedPublicPort(5432)}");
                    return container.GetConnectionString();
                }
                catch (Exception e)
                {
                    why = $"Testcontainers could not start PostgreSQL (attempt {attempt} of 3): {e.GetType().Name}: {e.Message}";
                    Announce(why);
                    try { await container.DisposeAsync(); } catch (Exception) { } // whatever the failed start left behind
                    if (attempt < 3) await Task.Delay(TimeSpan.FromSeconds(3));
                }
            }
        }
        FallbackReason = why;
        if (Environment.GetEnvironmentVariable("QUEUE_TEST_POSTGRES") is { Length: > 0 } configured)
        {
            Route = ThrowAwayServerRoute;
            Announce($"!!! PostgreSQL for the tests: NOT Testcontainers ({why}); falling back to the {ThrowAwayServerRoute} !!!");
            return configured;
        }
        throw new InvalidOperationException(
            $"No PostgreSQL for the tests: {why}, and QUEUE_TEST_POSTGRES is not set. Run ./test.sh, which sets up podman (or falls back to deploy/test-postgres.sh).");
    }

    /// <summary>Whether a Docker-compatible engine is configured (DOCKER_HOST) or at Docker's usual socket.</summary>
    private static bool EngineAvailable(out string why)
    {
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host)
        {
            why = "";
            if (host.StartsWith("unix://", StringComparison.Ordinal) && !File.Exists(host["unix://".Length..]))
            {
                why = $"DOCKER_HOST={host} does not exist";
                return false;
            }
            return true;
        }
        why = File.Exists("/var/run/docker.sock") ? "" : "no Docker engine (DOCKER_HOST unset, no /var/run/docker.sock)";
        return why.Length == 0;
    }

    /// <summary>In the test output (and a file beside the results, for test.sh to print at the end).</summary>
    private static void Announce(string line)
    {
        Console.Error.WriteLine(line);
        if (Environment.GetEnvironmentVariable("QUEUE_TEST_LOGS") is { Length: > 0 } logs)
        {
            Directory.CreateDirectory(logs);
            File.AppendAllText(Path.Combine(logs, "postgres-route.txt"), line + Environment.NewLine);
        }
    }
}

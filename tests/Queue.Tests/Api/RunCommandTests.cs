using System.Diagnostics;
using System.Net;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

/// <summary>
/// The app started as the README says (and as `--no-launch-profile` and a published build start it) honours the
/// settings it is given: the data folder, the environment, the address. A wrong setting stops it with a sentence,
/// not a stack trace.
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly TempDirectory _data = new("run");
    private readonly TempDirectory _elsewhere = new("cwd");

    public void Dispose()
    {
        _data.Dispose();
        _elsewhere.Dispose();
    }

    [Theory]
    [InlineData(AppLaunch.DotnetRun, null)]
    [InlineData(AppLaunch.DotnetRunNoLaunchProfile, null)]
    [InlineData(AppLaunch.Dll, null)]
    [InlineData(AppLaunch.DotnetRun, "Staging")]
    public async Task The_data_folder_environment_and_address_given_are_the_ones_used(AppLaunch launch, string? environment)
    {
        var dataDirectory = Path.Combine(_data.Path, "srv-cq"); // not there yet: the app makes it
        var repositoryData = Path.Combine(AppProcess.RepositoryRoot, "data");
        var repositoryDataBefore = Directory.Exists(repositoryData) ? Directory.GetLastWriteTimeUtc(repositoryData) : (DateTime?)null;

        // A published build is started from wherever the operator is; `dotnet run` from the repository root.
        await using var app = await AppProcess.StartAsync(dataDirectory, "pw", launch: launch,
            workingDirectory: launch == AppLaunch.Dll ? _elsewhere.Path : null,
            environment: environment is null ? null : new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = environment });
        using var client = app.CreateClient();
        var ticket = await client.PostJsonAsync("/api/offices/kawasaki/tickets", new { serviceId = "residence-certificate" });
        Assert.True(ticket.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{ticket.StatusCode}"); // 409 outside office hours
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/api/auth/token", new { username = "admin", password = "pw" })).StatusCode);

        Assert.True(File.Exists(Path.Combine(dataDirectory, "queue.db")), "the embedded store is in Queue__DataDirectory");
        Assert.True(File.Exists(Path.Combine(dataDirectory, "scheduler.db")), "the scheduler's store is in Queue__DataDirectory");
        Assert.True(File.Exists(Path.Combine(dataDirectory, "signing.key")), "the signing key is in Queue__DataDirectory");
        Assert.False(File.Exists(Path.Combine(_elsewhere.Path, "data", "queue.db")), "nothing in the working folder's data/");
        var repositoryDataAfter = Directory.Exists(repositoryData) ? Directory.GetLastWriteTimeUtc(repositoryData) : (DateTime?)null;
        Assert.Equal(repositoryDataBefore, repositoryDataAfter); // the repository's data/ was neither made nor touched
        // The environment is only visible in the start-up line: Production unless ASPNETCORE_ENVIRONMENT says otherwise.
        Assert.Contains($"Environment {environment ?? "Production"},", app.Output);
    }

    [Fact]
    public async Task A_setting_that_does_not_parse_stops_the_app_with_a_sentence_and_no_stack_trace()
    {
        var (exitCode, output) = await RunToExitAsync(new Dictionary<string, string>
        {
            ["Queue__PostgreSql"] = "Host=127.0.0.1;Database=none",
            ["Queue__AdvertisedAddress"] = "not-an-address",
            ["Queue__TemporaryCloseRetry"] = "-00:01:00",
            ["Queue__ClockStartsAt"] = "tomorrow morning",
        });
        Assert.Equal(2, exitCode);
        Assert.Contains("Queue:AdvertisedAddress 'not-an-address' is not an IP address", output);
        Assert.Contains("Queue:TemporaryCloseRetry", output);
        Assert.Contains("Queue:ClockStartsAt 'tomorrow morning' is not a date and time", output);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", output); // no stack frames

        (exitCode, output) = await RunToExitAsync(new Dictionary<string, string> { ["Queue__SiloPort"] = "eleven" });
        Assert.Equal(2, exitCode);
        Assert.Contains("Queue:SiloPort", output);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", output);

        (exitCode, output) = await RunToExitAsync(new Dictionary<string, string> { ["Queue__Auth__SigningKey"] = "too-short" });
        Assert.Equal(2, exitCode);
        Assert.Contains("Queue:Auth:SigningKey", output);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", output);
    }

    private async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _elsewhere.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppProcess.WebAppPath());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{FreePort.Next()}");
        start.Environment["Queue__DataDirectory"] = _data.Path;
        start.Environment["Queue__SiloPort"] = FreePort.Next().ToString();
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The app kept running with a bad setting.");
        }
        var output = await stdout + await stderr;
        TestLogs.Keep("process", output);
        return (process.ExitCode, output);
    }
}

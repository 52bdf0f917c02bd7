using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

/// <summary>deploy/local/cluster.sh as an operator runs it: up prints one line per ready host, they share one queue, down removes it all.</summary>
public sealed class ClusterScriptTests
{
    private static async Task<(int Exit, string Output, string Errors)> RunAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppProcess.RepositoryRoot, "deploy", "local", "cluster.sh"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["QUEUE_CLUSTER_DIR"] = directory;
        start.Environment["QUEUE_CLUSTER_APP"] = AppProcess.WebAppPath(); // this build, not a rebuild under the running tests
        start.Environment["QUEUE_ADMIN_PASSWORD"] = "cluster-script-test";
        start.Environment["Queue__ClockStartsAt"] = "2026-11-25T10:00:00+09:00"; // a Wednesday morning: the offices are open
        start.Environment["Queue__RateLimits__Enabled"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        TestLogs.Keep("process", await errors);
        return (process.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task Up_starts_ready_hosts_that_share_one_queue_and_down_stops_them_and_removes_the_data()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"counterqueue-cluster-test-{Guid.NewGuid():N}"[..40]);
        try
        {
            var (exit, output, errors) = await RunAsync(directory, "up", "--nodes", "2");
            Assert.True(exit == 0, errors);
            var lines = output.TrimEnd('\n').Split('\n');
            Assert.Equal(2, lines.Length);
            var hosts = lines.Select(l => Regex.Match(l, @"^node (http://127\.0\.0\.1:\d+) (\d+)$"))
                .Select(m => (Assert.IsType<Match>(m) is { Success: true } ok ? new Uri(ok.Groups[1].Value) : throw new Xunit.Sdk.XunitException(output),
                    int.Parse(m.Groups[2].Value)))
                .ToList();
            Assert.Equal(2, hosts.Select(h => h.Item1.Port).Distinct().Count());

            using var first = new HttpClient { BaseAddress = hosts[0].Item1 };
            using var second = new HttpClient { BaseAddress = hosts[1].Item1 };
            foreach (var client in new[] { first, second })
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
            var ticket = await (await first.PostJsonAsync("/api/offices/kawasaki/tickets", new { serviceId = "residence-certificate" })).ReadJsonAsync();
            var id = ticket["ticketId"]!.GetValue<string>();
            var seen = await (await second.GetAsync($"/api/tickets/{id}")).ReadJsonAsync(); // the other host, one queue
            Assert.Equal(ticket["number"]!.GetValue<string>(), seen["number"]!.GetValue<string>());
            Assert.True(File.Exists(Path.Combine(directory, "node-1", "host.log")));

            var (downExit, _, downErrors) = await RunAsync(directory, "down");
            Assert.True(downExit == 0, downErrors);
            foreach (var (_, pid) in hosts)
                Assert.True(!IsRunning(pid), $"host {pid} still runs after down");
            Assert.False(Directory.Exists(directory));
        }
        finally
        {
            if (Directory.Exists(directory)) await RunAsync(directory, "down");
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

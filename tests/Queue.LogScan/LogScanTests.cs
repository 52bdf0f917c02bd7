namespace CounterQueue.LogScan;

/// <summary>After the suite: no log any of its apps wrote holds personal data (issue #14, privacy).</summary>
public sealed class LogScanTests
{
    private static string Repository
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "CounterQueue.sln"))) folder = folder.Parent;
            return folder?.FullName ?? throw new InvalidOperationException("CounterQueue.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static string Logs => Environment.GetEnvironmentVariable("QUEUE_TEST_LOGS") is { Length: > 0 } path
        ? path
        : throw new InvalidOperationException("QUEUE_TEST_LOGS is not set: run the suite with ./test.sh, which keeps the logs and then scans them.");

    private static readonly IReadOnlyCollection<string> Sent = PersonalDataScan.ValuesSentBy(Path.Combine(Repository, "tests", "Queue.Tests"));

    [Fact]
    public void The_suite_left_the_logs_of_its_apps_to_scan()
    {
        var files = Directory.GetFiles(Logs, "*.log");
        Assert.True(files.Count(f => Path.GetFileName(f).StartsWith("app-")) >= 5, $"Too few in-process app logs in {Logs}: {files.Length} files.");
        Assert.True(files.Count(f => Path.GetFileName(f).StartsWith("process-")) >= 5, $"Too few app process logs in {Logs}.");
        Assert.Contains(files, f => File.ReadLines(f).Any(l => l.Contains("Embedded store open at", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_scan_knows_the_personal_data_the_tests_send()
    {
        Assert.Contains("山田 花子", Sent);
        Assert.Contains("川崎 太郎", Sent);
        Assert.Contains("044-201-3111", Sent);
        Assert.Contains("hanako@example.jp", Sent);
        Assert.True(Sent.Count >= 8, string.Join(", ", Sent));
    }

    [Fact]
    public void The_scan_finds_personal_data_where_it_is()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file,
            [
                "info: nothing here, ticket A-012 called to counter 3 at 2026-11-26T10:00:00+09:00",
                "warn: booking for \\u5c71\\u7530 \\u82b1\\u5b50", // JSON-escaped 山田 花子
                "fail: contact reach.me@example.org did not answer",
                "info: call 090-1234-5678 back",
                "info: GET /api/x?name=%E5%B7%9D%E5%B4%8E%20%E5%A4%AA%E9%83%8E", // 川崎 太郎 in a URL
            ]);
            var findings = new PersonalDataScan(Sent).Scan(file).ToList();
            Assert.Equal([2, 3, 4, 5], findings.Select(f => f.Line).Distinct().Order());
            Assert.DoesNotContain(findings, f => f.What.Contains("山田") || f.What.Contains("reach.me"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void No_log_the_suite_wrote_holds_personal_data()
    {
        var scan = new PersonalDataScan(Sent);
        var findings = Directory.GetFiles(Logs, "*.log").SelectMany(scan.Scan).ToList();
        Assert.True(findings.Count == 0, string.Join("\n", findings.Take(30).Select(f => $"{Path.GetFileName(f.File)}:{f.Line}: {f.What}")));
    }
}

using System.Net;
using System.Net.Http.Json;
using CounterQueue.Domain.Calendar;
using CounterQueue.Tests.Support;
using CounterQueue.Web.Operations;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CounterQueue.Tests.Api;

/// <summary>
/// Backups of the embedded store: taken while visitors keep coming, each holds every ticket acknowledged before it; put
/// in place of a data folder's store, an app starts on it with those tickets and numbers on from them; only the newest
/// <c>Queue:BackupsKept</c> stay; and one is taken every night at 03:50. An app of its own (it writes backups).
/// </summary>
public sealed class BackupTests : IAsyncLifetime
{
    private readonly AppFixture _app = new() { ExtraSettings = { ["Queue:BackupsKept"] = "2" } };

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<(string Id, string Number)> IssueAsync(HttpClient client, string officeId)
    {
        var response = await client.PostAsJsonAsync($"/api/offices/{officeId}/tickets", new { serviceId = "a" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ticket = await response.ReadJsonAsync();
        return (ticket["ticketId"]!.GetValue<string>(), ticket["number"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_backup_taken_while_visitors_come_restores_into_a_working_office_and_only_the_newest_are_kept()
    {
        using var admin = _app.AdminClient();
        using var visitor = _app.CreateClient();
        var office = await _app.CreateOfficeAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);
        var before = new List<(string Id, string Number)>();
        for (var i = 0; i < 3; i++) before.Add(await IssueAsync(visitor, office.Id));

        // Visitors keep coming while the backup is taken.
        using var stop = new CancellationTokenSource();
        var during = Task.Run(async () =>
        {
            using var client = _app.CreateClient();
            var issued = 0;
            while (!stop.IsCancellationRequested) { await IssueAsync(client, office.Id); issued++; }
            return issued;
        });
        var response = await admin.PostAsync("/api/admin/backups", null);
        await stop.CancelAsync();
        Assert.True(await during > 0);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var backup = await response.ReadJsonAsync();
        var name = backup["name"]!.GetValue<string>();
        Assert.Matches(@"^queue-\d{8}-\d{6}\.db$", name);
        var folder = Path.Combine(_app.DataDirectory, "backups");
        var file = Path.Combine(folder, name);
        Assert.Equal(new FileInfo(file).Length, backup["bytes"]!.GetValue<long>());
        Assert.Empty(Directory.GetFiles(folder, "*.partial"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder)); // personal data inside

        // Restored: an app started on a folder whose store is the backup has the tickets acknowledged before it.
        var restoredFolder = Directory.CreateTempSubdirectory("counterqueue-restored-").FullName;
        File.Copy(file, Path.Combine(restoredFolder, "queue.db"));
        var restored = new AppFixture { ExtraSettings = { ["Queue:DataDirectory"] = restoredFolder } };
        try
        {
            await restored.InitializeAsync();
            using var client = restored.CreateClient();
            foreach (var (id, number) in before)
            {
                var ticket = await client.GetAsync($"/api/tickets/{id}");
                Assert.Equal(HttpStatusCode.OK, ticket.StatusCode);
                Assert.Equal(number, (await ticket.ReadJsonAsync())["number"]!.GetValue<string>());
            }
            using var restoredAdmin = restored.AdminClient();
            var waiting = (await (await restoredAdmin.GetAsync($"/api/offices/{office.Id}/tickets?status=waiting")).ReadJsonAsync()).AsArray()
                .Select(t => int.Parse(t!["number"]!.GetValue<string>()[2..])).ToList();
            Assert.True(waiting.Count >= 3);
            var next = int.Parse((await IssueAsync(client, office.Id)).Number[2..]);
            Assert.Equal(waiting.Max() + 1, next); // numbering goes on from the backup's last number
        }
        finally
        {
            await restored.DisposeWithoutDataAsync();
            Directory.Delete(restoredFolder, recursive: true);
        }

        // Two more, a second apart: the newest two stay, newest first.
        for (var i = 0; i < 2; i++)
        {
            _app.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/admin/backups", null)).StatusCode);
        }
        var list = (await (await admin.GetAsync("/api/admin/backups")).ReadJsonAsync()).AsArray().Select(b => b!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(2, list.Count);
        Assert.DoesNotContain(name, list);
        Assert.Equal(list.OrderByDescending(n => n, StringComparer.Ordinal), list);
        Assert.Equal(list, Directory.GetFiles(folder).Select(Path.GetFileName).OrderByDescending(n => n, StringComparer.Ordinal));

        // Nobody else takes or lists them.
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.PostAsync("/api/admin/backups", null)).StatusCode);
    }

    /// <summary>A backup folder that cannot be made (here its parent is a file): the admin is told why, and the store goes on.</summary>
    [Fact]
    public async Task A_backup_that_cannot_be_written_says_why_and_the_queue_goes_on()
    {
        var blocker = Path.Combine(_app.DataDirectory, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file where the backups' parent folder should be");
        var app = new AppFixture { ExtraSettings = { ["Queue:BackupDirectory"] = Path.Combine(blocker, "backups") } };
        try
        {
            await app.InitializeAsync();
            using var admin = app.AdminClient();
            var response = await admin.PostAsync("/api/admin/backups", null);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var problem = await response.ReadJsonAsync();
            Assert.Equal("backup-failed", problem["code"]!.GetValue<string>());
            Assert.Contains(Path.Combine(blocker, "backups"), problem["detail"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/health/ready")).StatusCode); // the store itself is fine
            var office = await app.CreateOfficeAsync();
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/offices/{office.Id}/counters/c1/open", null)).StatusCode);
            await IssueAsync(app.CreateClient(), office.Id);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_backup_is_taken_every_night_at_0350_Japan_time()
    {
        var scheduler = await _app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var trigger = await scheduler.GetTrigger(BackupJob.TriggerKey);
        Assert.NotNull(trigger);
        var next = Tokyo.ToLocal(trigger.NextFireTimeUtc!.Value);
        Assert.Equal(new TimeSpan(3, 50, 0), next.TimeOfDay);
        Assert.Equal(BackupJob.Key, trigger.JobKey);
    }
}

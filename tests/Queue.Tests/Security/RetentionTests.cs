using System.Net;
using System.Net.Http.Headers;
using CounterQueue.Domain.Calendar;
using CounterQueue.Tests.Support;
using CounterQueue.Web.History;
using Microsoft.Extensions.DependencyInjection;

namespace CounterQueue.Tests.Security;

/// <summary>Years of operation on the fake clock: what is kept stays bounded, and limits meant for what is planned are not used up by the past.</summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private readonly AppFixture _app = new();

    public async Task InitializeAsync()
    {
        _app.ExtraSettings["Queue:MaxTemporarySchedules"] = "12"; // the demo data plans 8 for spring 2027
        _app.ExtraSettings["Queue:TemporaryScheduleRetentionDays"] = "60";
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Three_years_of_seasons_leave_the_registry_bounded_and_still_accepting_new_schedules()
    {
        var procedures = new[] { "taxi-voucher", "bus-discount" };
        var counts = new List<int>();
        for (var month = 0; month < 36; month++)
        {
            using var signIn = _app.CreateClient();
            using var admin = _app.CreateClient(); // a fresh sign-in each month: tokens expire
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AppFixture.TokenAsync(signIn, "admin", AppFixture.AdminPassword));
            var day = Tokyo.DateOf(_app.Clock.GetUtcNow()).AddDays(10);
            foreach (var procedure in procedures)
            {
                var session = Poll.SessionBody(Tokyo.At(day, new TimeSpan(9, 0, 0)), Tokyo.At(day, new TimeSpan(16, 0, 0)));
                var created = await admin.PostJsonAsync("/api/offices/tajima/temporary-counters", new { procedureId = procedure, sessions = new[] { session } });
                Assert.True(created.StatusCode == HttpStatusCode.Created, $"month {month}, {procedure}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            }
            _app.Clock.Advance(TimeSpan.FromDays(30));
            await _app.Services.GetRequiredService<HistoryRetention>().RunAsync(); // what the nightly job does
            counts.Add((await (await admin.GetAsync("/api/temporary-counters?officeId=tajima")).ReadJsonAsync()).AsArray().Count);
        }
        // Only the last couple of months' seasons are kept (60 days after their last session), never the whole three years;
        // counting every schedule ever made, 12 would have been refused from the third month on.
        Assert.True(counts.Max() <= 12 && counts.Skip(12).All(c => c <= 6), $"schedules kept month by month: {string.Join(", ", counts)}");
        Assert.True(counts[^1] >= 2, "recent seasons are still listed");
    }
}

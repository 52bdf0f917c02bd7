using System.Net;
using System.Text;
using CounterQueue.Domain.History;
using CounterQueue.Silo.History;
using CounterQueue.Silo.Offices;
using CounterQueue.Tests.Support;
using CounterQueue.Web.History;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CounterQueue.Tests.Api;

/// <summary>
/// A fresh install with the demo history (Queue:DemoHistoryWeeks): the congestion forecast rests on it, yesterday's report
/// and CSV have its numbers, and filling it again adds nothing.
/// </summary>
public sealed class DemoHistoryTests
{
    [Fact]
    public async Task A_fresh_install_with_the_demo_history_shows_a_forecast_and_yesterdays_report()
    {
        var app = new AppFixture();
        app.ExtraSettings["Queue:DemoHistoryWeeks"] = "3";
        await app.InitializeAsync();
        try
        {
            using var visitor = app.CreateClient();
            var congestion = (await (await visitor.GetAsync("/api/offices/kawasaki/congestion")).ReadJsonAsync()).AsArray();
            var certificates = congestion.Single(s => s!["serviceId"]!.GetValue<string>() == "residence-certificate")!;
            Assert.InRange(certificates["historyDays"]!.GetValue<int>(), 12, 16); // three weeks of open days before today
            var today = certificates["byHour"]!.AsArray().Select(h => (Hour: h!["hour"]!.GetValue<int>(), Minutes: h["expectedWaitMinutes"]!.GetValue<int>(), Samples: h["samples"]!.GetValue<int>())).ToList();
            Assert.Equal(8, today[0].Hour);
            Assert.True(today.Sum(h => h.Samples) > 50, "the forecast rests on the demo history");
            var morning = today.Where(h => h.Hour is 10 or 11).Average(h => h.Minutes);
            var lastHour = today.Single(h => h.Hour == 16).Minutes;
            Assert.True(morning > lastHour, $"the morning rush ({morning} min) is busier than the last hour ({lastHour} min)");
            Assert.Equal(7, certificates["days"]!.AsArray().Count);

            using var admin = app.AdminClient();
            var yesterday = app.Today.AddDays(-1); // Tuesday 2026-11-24, an open day
            var report = await (await admin.GetAsync($"/api/offices/kawasaki/reports/daily?date={yesterday:yyyy-MM-dd}")).ReadJsonAsync();
            var issued = report["office"]!["issued"]!.GetValue<int>();
            Assert.InRange(issued, 200, 3000);
            Assert.InRange(report["office"]!["busiestHour"]!.GetValue<int>(), 8, 14);
            var csv = await admin.GetByteArrayAsync($"/api/offices/kawasaki/reports/daily?date={yesterday:yyyy-MM-dd}&format=csv");
            Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);
            var office = Encoding.UTF8.GetString(csv[3..]).Split("\r\n")[1].Split(',');
            Assert.Equal(("\"川崎区役所\"", issued.ToString(System.Globalization.CultureInfo.InvariantCulture)), (office[4], office[5]));

            // Filling again (the next start) adds nothing to days that have history.
            var history = app.Services.GetRequiredService<IVisitHistory>();
            var before = (await history.ReadAsync("kawasaki", yesterday, yesterday)).Count;
            await app.Services.GetServices<IHostedService>().OfType<DemoHistorySeeder>().Single().StartAsync(default);
            Assert.Equal(before, (await history.ReadAsync("kawasaki", yesterday, yesterday)).Count);

            // The invented traffic has its seasons: a Monday of the March moving season is far busier than a November Wednesday.
            var kawasaki = await app.Services.GetRequiredService<OfficeCatalog>().RequireAsync("kawasaki");
            var march = DemoTraffic.Day(kawasaki, new DateOnly(2026, 3, 16)).Count(e => e.Kind == VisitEventKinds.Issued);
            var november = DemoTraffic.Day(kawasaki, new DateOnly(2026, 11, 18)).Count(e => e.Kind == VisitEventKinds.Issued);
            Assert.True(march > 1.5 * november, $"March Monday {march} tickets, November Wednesday {november}");
            Assert.Equal(DemoTraffic.Day(kawasaki, new DateOnly(2026, 11, 18)), DemoTraffic.Day(kawasaki, new DateOnly(2026, 11, 18))); // the same every time
            Assert.Empty(DemoTraffic.Day(kawasaki, new DateOnly(2026, 11, 22))); // a Sunday: closed
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}

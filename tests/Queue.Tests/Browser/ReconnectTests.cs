using System.Globalization;
using System.Net;
using CounterQueue.Tests.Support;
using CounterQueue.Web.Operations;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>A lobby display survives a web process restart by itself: it reconnects and resynchronises, no reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReconnectTests(BrowserFixture fixture) : IBrowserTest
{
    public BrowserFixture Fixture => fixture;

    [Fact]
    public async Task Display_reconnects_after_the_web_process_restarts_and_shows_the_right_state()
    {
        var officeId = await fixture.CopyOfficeAsync("tajima"); // this test's own copy of tajima
        await fixture.OpenCounterAsync(officeId, "c1", "document-forwarding");
        var before = await fixture.IssueAsync(officeId, "document-forwarding");
        var waiting = await fixture.IssueAsync(officeId, "document-forwarding");
        await fixture.CallNextAsync(officeId, "c1");

        var page = await fixture.NewPageAsync(1920, 1080);
        var counterReads = 0;
        page.Request += (_, request) => { if (request.Url.EndsWith($"/api/offices/{officeId}/counters", StringComparison.Ordinal)) Interlocked.Increment(ref counterReads); };
        var navigations = 0;
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) Interlocked.Increment(ref navigations); };
        await page.GotoAsync($"/display/{officeId}");
        await Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("now-number")).ToHaveTextAsync(before["number"]!.GetValue<string>());

        // kill -9 the web process; the display notices and says so.
        await fixture.RestartAppAsync(whileDown: async () =>
            await Expect(page.Locator("body[data-connection='offline']")).ToHaveCountAsync(1, new() { Timeout = 20_000 }));
        var readsBeforeReconnect = counterReads;

        // The counter moves on at once, perhaps before the display is back: it must show it either way.
        await fixture.CounterActionAsync(officeId, "c1", "complete");
        var next = await fixture.CallNextAsync(officeId, "c1");
        Assert.Equal(waiting["number"]!.GetValue<string>(), next!["number"]!.GetValue<string>());

        await Expect(page.Locator("body[data-connection='online']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("now-number")).ToHaveTextAsync(waiting["number"]!.GetValue<string>(), new() { Timeout = 20_000 });
        await Expect(page.Locator("#counters tr[data-counter='c1']")).ToContainTextAsync(before["number"]!.GetValue<string>());
        Assert.True(counterReads > readsBeforeReconnect, "the display did not read the counters again after reconnecting");
        Assert.Equal(1, navigations); // no reload

        // And it hears live events again.
        var third = await fixture.IssueAsync(officeId, "document-forwarding");
        await fixture.CounterActionAsync(officeId, "c1", "complete");
        await fixture.CallNextAsync(officeId, "c1");
        await Expect(page.GetByTestId("now-number")).ToHaveTextAsync(third["number"]!.GetValue<string>());
        await BrowserFixture.ScreenshotAsync(page, "display-after-restart");
        Assert.Empty(fixture.PageErrors[page]);
    }

    [Fact]
    public async Task A_display_told_its_host_is_leaving_lets_go_by_itself_and_comes_back_when_the_host_returns()
    {
        // A host of its own (the fixture's is shared), stopped as a service manager stops it: SIGTERM, drain, exit.
        using var data = new TempDirectory("drain-display");
        const string password = "drain-display-password";
        var app = await AppProcess.StartAsync(data.Path, password);
        var port = app.Port;
        try
        {
            using var staff = app.CreateClient(await AppFixture.TokenAsync(app.CreateClient(), "admin", password));
            Assert.Equal(HttpStatusCode.OK, (await staff.PostJsonAsync("/api/offices/kawasaki/counters/c1/open", new { serviceIds = new[] { "residence-certificate" } })).StatusCode);
            using var visitor = app.CreateClient();
            async Task<string> IssueAsync() =>
                (await (await visitor.PostJsonAsync("/api/offices/kawasaki/tickets", new { serviceId = "residence-certificate" })).ReadJsonAsync())["number"]!.GetValue<string>();
            var (first, second) = (await IssueAsync(), await IssueAsync());
            Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync("/api/offices/kawasaki/counters/c1/call-next", null)).StatusCode);

            var page = await fixture.NewPageAsync(1920, 1080);
            var navigations = 0;
            page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) Interlocked.Increment(ref navigations); };
            await page.GotoAsync(new Uri(app.BaseAddress, "display/kawasaki").ToString());
            await Expect(page.Locator("body[data-ready='true'][data-connection='online']")).ToHaveCountAsync(1);
            await Expect(page.GetByTestId("now-number")).ToHaveTextAsync(first);

            // SIGTERM: the host tells its screens to reconnect within its drain delay, and the page lets go by itself.
            var exit = app.TerminateAsync(TimeSpan.FromSeconds(40));
            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-reconnect-advised", ((int)HostDrain.DrainDelay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            await Expect(page.Locator("body[data-connection='offline']")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
            Assert.Equal(0, await exit);
            await app.DisposeAsync();

            // The host comes back on the same address with the same data; the counter moved on while it was away.
            app = await AppProcess.StartAsync(data.Path, password, port);
            using var staffAgain = app.CreateClient(await AppFixture.TokenAsync(app.CreateClient(), "admin", password));
            Assert.Equal(HttpStatusCode.OK, (await staffAgain.PostAsync("/api/offices/kawasaki/counters/c1/complete", null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await staffAgain.PostAsync("/api/offices/kawasaki/counters/c1/call-next", null)).StatusCode);
            await Expect(page.Locator("body[data-connection='online']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            await Expect(page.GetByTestId("now-number")).ToHaveTextAsync(second, new() { Timeout = 20_000 });
            Assert.Equal(1, navigations); // no reload
            Assert.Empty(fixture.PageErrors[page]);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}

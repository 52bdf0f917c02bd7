using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>A lobby display survives a web process restart by itself: it reconnects and resynchronises, no reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReconnectTests(BrowserFixture fixture)
{
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
}

using CounterQueue.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>A kiosk registered as a trusted device: set up once by its address, it sends its key with every ticket it takes.</summary>
[Collection(BrowserCollection.Name)]
public sealed class KioskDeviceTests(BrowserFixture fixture) : IBrowserTest
{
    public BrowserFixture Fixture => fixture;

    [Fact]
    public async Task A_kiosk_opened_once_with_its_key_keeps_it_out_of_the_address_and_sends_it_with_each_ticket()
    {
        var office = await fixture.CreateOfficeAsync();
        await fixture.OpenCounterAsync(office.Id, "c1", "a");
        var page = await fixture.NewPageAsync(1280, 1024);
        var sent = new List<string?>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith($"/api/offices/{office.Id}/tickets", StringComparison.Ordinal))
                lock (sent) sent.Add(request.Headers.GetValueOrDefault("x-kiosk-key"));
        };
        await page.GotoAsync($"/kiosk/{office.Id}?print=off&kiosk-key=lobby-key-123");
        await Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        Assert.DoesNotContain("kiosk-key", page.Url); // not left in the address bar, the history or a screenshot
        Assert.Contains("print=off", page.Url);
        Assert.Equal("lobby-key-123", await page.EvaluateAsync<string>("() => localStorage.getItem('cq.kioskKey')"));

        await page.Locator("button[data-service='a']").ClickAsync();
        await Expect(page.GetByTestId("ticket-number")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^A-\\d{3}$"));
        await page.ReloadAsync(); // after a restart of the kiosk the key is still there
        await Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        await page.Locator("button[data-service='a']").ClickAsync();
        await Expect(page.GetByTestId("ticket-number")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^A-\\d{3}$"));
        await Poll.UntilAsync(() => { lock (sent) return sent.Count == 2; }, TimeSpan.FromSeconds(10), "two tickets sent");
        Assert.Equal(["lobby-key-123", "lobby-key-123"], sent);
        Assert.Empty(fixture.PageErrors[page]);
    }
}

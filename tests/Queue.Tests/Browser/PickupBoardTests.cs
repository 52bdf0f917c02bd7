using CounterQueue.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>The pick-up board (交付待ち) is read from the server, so a display that reloads or reconnects still shows it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PickupBoardTests(BrowserFixture fixture) : IBrowserTest
{
    public BrowserFixture Fixture => fixture;

    [Fact]
    public async Task A_reloaded_display_still_shows_the_tickets_waiting_for_pick_up()
    {
        // A three-step service (受付 → 審査 → 交付) in an office of this test's own.
        var office = await fixture.CreateOfficeAsync();
        await fixture.OpenCounterAsync(office.Id, "mr", "m");
        var numbers = new List<string>();
        using var staff = fixture.Api();
        for (var i = 0; i < 3; i++)
        {
            var ticket = await fixture.IssueAsync(office.Id, "m");
            numbers.Add(ticket["number"]!.GetValue<string>());
            await fixture.CallNextAsync(office.Id, "mr");
            await fixture.CounterActionAsync(office.Id, "mr", "complete"); // on to processing (審査)
            if (i < 2) // two of them are ready; the third is still being processed
                Assert.Equal(System.Net.HttpStatusCode.OK,
                    (await staff.PostAsync($"/api/tickets/{ticket["ticketId"]!.GetValue<string>()}/ready", null)).StatusCode);
        }

        // The public read: numbers in the order they became ready, nothing private (no ticket ids).
        using var visitor = fixture.Api(asAdmin: false);
        var board = await (await visitor.GetAsync($"/api/offices/{office.Id}/pickup")).ReadJsonAsync();
        Assert.Equal([numbers[0], numbers[1]], board.AsArray().Select(p => p!["number"]!.GetValue<string>()));
        Assert.DoesNotContain("ticketId", board.ToJsonString());

        var page = await fixture.NewPageAsync(1920, 1080);
        await page.GotoAsync($"/display/{office.Id}");
        await Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#pickup li")).ToHaveTextAsync([numbers[1], numbers[0]]); // newest first
        await Expect(page.Locator("#pickup-panel")).ToBeVisibleAsync();

        // Reloaded (as a TV that lost power does): nothing heard by events is left, yet both are there.
        await page.ReloadAsync();
        await Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#pickup li")).ToHaveTextAsync([numbers[1], numbers[0]]);
        await Expect(page.Locator("#pickup")).Not.ToContainTextAsync(numbers[2]);
        await BrowserFixture.ScreenshotAsync(page, "display-pickup-after-reload");

        // Called to the pick-up counter, a number leaves the board.
        await fixture.OpenCounterAsync(office.Id, "mp", "m");
        Assert.Equal(numbers[0], (await fixture.CallNextAsync(office.Id, "mp"))!["number"]!.GetValue<string>());
        await Expect(page.Locator("#pickup li")).ToHaveTextAsync([numbers[1]]);
        Assert.Empty(fixture.PageErrors[page]);
    }
}

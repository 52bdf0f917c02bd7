using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CounterQueue.Domain;
using CounterQueue.Domain.Offices;
using CounterQueue.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>A branch's remote consultation booth in the real browser, against the ward office's line.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BoothPageTests(BrowserFixture fixture) : IBrowserTest
{
    public BrowserFixture Fixture => fixture;

    [Fact]
    public async Task A_resident_taps_a_topic_waits_in_the_wards_line_is_connected_when_called_and_the_booth_closes_while_the_ward_is_busy()
    {
        var ward = await fixture.CreateOfficeAsync();
        var branch = TestOffices.Create() with
        {
            Kind = OfficeKind.Branch,
            Name = new LocalizedText("テスト支所", "Test Branch"),
            RemoteConsultation = new RemoteConsultationPolicy
            {
                WardOfficeId = ward.Id, Hours = TestOffices.AlwaysOpen, BusyWhenWaiting = 3, VideoUrl = "https://video.example.jp/room/{ticketId}",
                Topics =
                [
                    new RemoteTopic { Id = "care", SectionId = "sec", ServiceId = "a", Name = new LocalizedText("介護保険", "Long-term care insurance") },
                    new RemoteTopic { Id = "nursery", SectionId = "sec", ServiceId = "b", Name = new LocalizedText("保育所等利用", "Nursery schools") },
                ],
            },
        };
        using (var admin = fixture.Api())
            Assert.Equal(System.Net.HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/api/admin/offices/{branch.Id}", branch, ApiJson.Options)).StatusCode);

        var page = await fixture.NewPageAsync(1280, 800);
        await page.GotoAsync($"/booth/{branch.Id}");
        await Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-available", "true");
        await BrowserFixture.AssertAccessibleAsync(page, "booth");
        await BrowserFixture.AssertTouchTargetsAsync(page, "booth");
        await page.Locator("button[data-lang='en']").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Long-term care insurance" }).ClickAsync();
        await Expect(page.GetByTestId("booth-number")).ToHaveTextAsync(new Regex("^A-\\d{3}$"));
        await Expect(page.Locator("#progress-headline")).ToHaveTextAsync("Please wait (0 ahead of you)");
        await BrowserFixture.ScreenshotAsync(page, "booth-waiting");

        // The ward's counter calls it like any ticket: the booth connects.
        await fixture.OpenCounterAsync(ward.Id, "c1", "a");
        var called = await fixture.CallNextAsync(ward.Id, "c1");
        Assert.Equal("remote", called!["channel"]!.GetValue<string>());
        await Expect(page.Locator("#progress-headline")).ToHaveTextAsync("Connecting you to the staff");
        await Expect(page.Locator("#video")).ToHaveAttributeAsync("href", $"https://video.example.jp/room/{called["ticketId"]!.GetValue<string>()}");
        await BrowserFixture.ScreenshotAsync(page, "booth-connecting");
        await fixture.CounterActionAsync(ward.Id, "c1", "complete");
        await Expect(page.Locator("#progress-headline")).ToHaveTextAsync("Thank you");
        await page.Locator("#done").ClickAsync();

        // Three walk-ins wait at the ward: the booth is told it cannot answer (no reload, no polling by the page).
        for (var i = 0; i < 3; i++) await fixture.IssueAsync(ward.Id, "a");
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-available", "false", new() { Timeout = 20_000 });
        await Expect(page.Locator("#headline")).ToHaveTextAsync("ただいま対応できません");
        await Expect(page.Locator("button[data-topic='care']")).ToBeDisabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "booth-busy");
        Assert.Empty(fixture.PageErrors[page]);
    }
}

using System.Globalization;
using CounterQueue.Domain.Calendar;
using CounterQueue.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>An administrator schedules a temporary counter on the admin page; at its start the branch display and kiosk show it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TemporaryCounterPageTests(BrowserFixture fixture) : IBrowserTest
{
    public BrowserFixture Fixture => fixture;

    [Fact]
    public async Task Admin_page_schedules_a_session_that_opens_on_the_display_the_kiosk_and_the_public_page()
    {
        var officeId = await fixture.CopyOfficeAsync("daishi"); // this test's own copy of 大師支所
        var display = await fixture.NewPageAsync(1920, 1080);
        await display.GotoAsync($"/display/{officeId}");
        await Expect(display.Locator("body[data-ready='true']")).ToHaveCountAsync(1);

        var admin = await fixture.NewAdminPageAsync("/admin");
        await BrowserFixture.AssertAccessibleAsync(admin, "admin");

        // A session from the next minute boundary that is at least 5 s away (the form has minute precision) … for 2 minutes.
        // The app is a real process on the machine's clock. The session must not cross midnight: that close to it,
        // poll the clock until the new day has begun.
        await Poll.UntilAsync(() => Tokyo.ToLocal(TimeProvider.System.GetUtcNow()).TimeOfDay < TimeSpan.FromHours(24) - TimeSpan.FromMinutes(4),
            TimeSpan.FromMinutes(5), "the day has room for the session");
        var now = Tokyo.ToLocal(TimeProvider.System.GetUtcNow());
        var start = now.AddSeconds(5);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, start.Offset).AddMinutes(1);
        await admin.Locator("#office").SelectOptionAsync(officeId);
        await admin.Locator("#procedure").SelectOptionAsync("fureai-free-pass");
        var row = admin.Locator(".session-row").First;
        await row.Locator("[name=date]").FillAsync(start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await row.Locator("[name=opens]").FillAsync(start.ToString("HH:mm", CultureInfo.InvariantCulture));
        await row.Locator("[name=closes]").FillAsync(start.AddMinutes(2).ToString("HH:mm", CultureInfo.InvariantCulture));
        await admin.Locator("#save").ClickAsync();
        await Expect(admin.Locator("#feedback")).ToHaveTextAsync("登録しました");
        await Expect(admin.Locator("#schedules")).ToContainTextAsync("ふれあいフリーパス");
        await BrowserFixture.ScreenshotAsync(admin, "admin-scheduled", fullPage: true);

        // A mistake is refused with a readable reason.
        await row.Locator("[name=closes]").FillAsync(start.AddMinutes(-30).ToString("HH:mm", CultureInfo.InvariantCulture));
        await admin.Locator("#save").ClickAsync();
        await Expect(admin.Locator("#error")).Not.ToBeEmptyAsync();

        // At the start: the notice on the branch's display, the procedure on its kiosk.
        var wait = new LocatorAssertionsToContainTextOptions { Timeout = 90_000 };
        await Expect(display.Locator("#notices")).ToContainTextAsync("大師支所で本日", wait);
        await Expect(display.Locator("#notices")).ToContainTextAsync("ふれあいフリーパスの交付申請の臨時窓口を開設しています");
        await BrowserFixture.ScreenshotAsync(display, "display-temporary-counter-notice");
        // The ward office's displays tell people about it too.
        using (var api = fixture.Api(asAdmin: false))
        {
            var wardNotices = await (await api.GetAsync("/api/offices/kawasaki/notices")).Content.ReadAsStringAsync();
            Assert.Contains("大師支所で本日", wardNotices);
            Assert.DoesNotContain("大師支所で本日", await (await api.GetAsync("/api/offices/tajima/notices")).Content.ReadAsStringAsync());
        }

        var kiosk = await fixture.NewPageAsync(1280, 1024);
        await kiosk.GotoAsync($"/kiosk/{officeId}?print=off");
        var button = kiosk.Locator("button[data-service='fureai-free-pass']");
        await Expect(button).ToBeEnabledAsync();
        await button.ClickAsync();
        await Expect(kiosk.GetByTestId("ticket-number")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^U-\\d{3}$"));

        var info = await fixture.NewPageAsync(390, 844, mobile: true);
        await info.GotoAsync("/temporary-counters");
        await Expect(info.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        var card = info.Locator("section[data-procedure='fureai-free-pass']");
        await Expect(card).ToContainTextAsync("大師支所");
        await Expect(card).ToContainTextAsync("開設中");
        await Expect(card).ToContainTextAsync("持ち物");
        await BrowserFixture.ScreenshotAsync(info, "temporary-counters-page", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(info, "temporary-counters");
        await BrowserFixture.AssertTouchTargetsAsync(info, "temporary-counters");
        foreach (var page in new[] { display, admin, kiosk, info }) Assert.Empty(fixture.PageErrors[page]);
    }
}

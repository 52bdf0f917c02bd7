using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CounterQueue.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>
/// Floor guides in the real browser: search, a redirect by scanning the ticket's QR code with the tablet's camera
/// (Chromium's fake camera), and a section moving while people wait: phone, display, kiosk and guide say the new floor.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class GuidePageTests(BrowserFixture fixture) : IBrowserTest
{
    public BrowserFixture Fixture => fixture;

    private static Task WaitReadyAsync(IPage page) => Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);

    private async Task<(string Username, string Password)> GuideUserAsync() => (await fixture.CreateUserAsync("guide"), "correct horse");

    private static async Task SignInAsync(IPage page, (string Username, string Password) user)
    {
        await page.Locator("#username").FillAsync(user.Username);
        await page.Locator("#password").FillAsync(user.Password);
        await page.Locator("#login button[type=submit]").ClickAsync();
        await WaitReadyAsync(page);
    }

    [Fact]
    public async Task A_guide_finds_where_to_go_and_redirects_a_ticket_by_scanning_it_keeping_its_place()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki");
        // Open counters: the lines take tickets whatever the hour of the real clock.
        await fixture.OpenCounterAsync(officeId, "c1", "residence-certificate");
        await fixture.OpenCounterAsync(officeId, "c11", "seal-registration");
        var wrong = await fixture.IssueAsync(officeId, "residence-certificate"); // wanted 印鑑登録, took 住民票
        await Task.Delay(20);
        var later = await fixture.IssueAsync(officeId, "seal-registration");
        var user = await GuideUserAsync();

        // The ticket's QR code as the kiosk prints it (the phone page's address), on the tablet's fake camera.
        var drawing = await fixture.NewPageAsync(800, 600);
        await drawing.GotoAsync($"/floor-guide/{officeId}");
        var phoneUrl = $"{fixture.BaseAddress.ToString().TrimEnd('/')}/t/{wrong["ticketId"]!.GetValue<string>()}";
        await drawing.EvaluateAsync("""
            async (url) => {
              const { default: qrcode } = await import('/assets/lib/qrcode/qrcode.mjs');
              const qr = qrcode(0, 'M'); qr.addData(url); qr.make();
              const img = document.createElement('img'); img.id = 'ticket-qr'; img.src = qr.createDataURL(6, 2);
              document.body.append(img);
              await img.decode();
            }
            """, phoneUrl);
        var video = Path.Combine(fixture.DataDirectory, $"ticket-{Guid.NewGuid():N}.y4m");
        await FakeCamera.WriteY4mAsync(drawing, "#ticket-qr", video);
        using var playwright = await Playwright.CreateAsync();
        await using var camera = await FakeCamera.LaunchAsync(playwright, video);
        var (page, errors) = await FakeCamera.OpenAsync(camera, fixture.BaseAddress, $"/guide/{officeId}", 1024, 768);
        await SignInAsync(page, user);
        await Expect(page.Locator("#office-name")).ToHaveTextAsync("川崎区役所");

        // Search by everyday words, kana and romaji.
        await page.Locator("#q").FillAsync("ハンコ");
        await page.Locator("#search-form button").ClickAsync();
        var first = page.Locator("#results li").First;
        await Expect(first).ToHaveAttributeAsync("data-service", "seal-registration");
        await Expect(first.Locator(".floor")).ToHaveTextAsync("2階");
        await page.Locator("#q").FillAsync("hikkoshi");
        await page.Locator("#search-form button").ClickAsync();
        await Expect(page.Locator("#results li").First).ToHaveAttributeAsync("data-service", "moving");

        // Scan the visitor's ticket and send it to 印鑑登録.
        await page.Locator("#scan").ClickAsync();
        await Expect(page.GetByTestId("guide-ticket")).ToHaveTextAsync(wrong["number"]!.GetValue<string>());
        await page.Locator("#to-service").SelectOptionAsync("seal-registration");
        await BrowserFixture.AssertAccessibleAsync(page, "guide");
        await page.Locator("#move").ClickAsync();
        await Expect(page.GetByTestId("redirect-result")).ToContainTextAsync($"{wrong["number"]!.GetValue<string>()} を「印鑑登録」（2階）に移しました。順番はそのままです（前に0人）。");
        await BrowserFixture.ScreenshotAsync(page, "guide-redirected");

        using (var api = fixture.Api(asAdmin: false))
        {
            var moved = await (await api.GetAsync($"/api/tickets/{wrong["ticketId"]}")).ReadJsonAsync();
            Assert.Equal(("seal-registration", 0), (moved["serviceId"]!.GetValue<string>(), moved["position"]!.GetValue<int>()));
            Assert.Equal(1, (await (await api.GetAsync($"/api/tickets/{later["ticketId"]}")).ReadJsonAsync())["position"]!.GetValue<int>());
        }
        using (var admin = fixture.Api())
        {
            var log = (await (await admin.GetAsync($"/api/offices/{officeId}/redirects")).ReadJsonAsync()).AsArray();
            Assert.Equal(user.Username, Assert.Single(log)!["by"]!.GetValue<string>());
        }

        // Typing a number, loosely: the later ticket is found in the waiting list.
        var laterNumber = later["number"]!.GetValue<string>();
        await page.Locator("#number").FillAsync(laterNumber.Replace("-", "").ToLowerInvariant());
        await page.Locator("#number-form button").ClickAsync();
        await Expect(page.GetByTestId("guide-ticket")).ToHaveTextAsync(laterNumber);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task When_a_section_moves_the_waiting_visitors_phone_the_floor_display_the_kiosk_and_the_guide_say_the_new_floor()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki");
        await fixture.OpenCounterAsync(officeId, "c11", "moving");
        var ticket = await fixture.IssueAsync(officeId, "moving"); // 区民課, on 2F
        var phone = await fixture.NewPageAsync(390, 844, mobile: true);
        await phone.GotoAsync($"/t/{ticket["ticketId"]}");
        await Expect(phone.Locator("#detail")).ToContainTextAsync("2階");
        var display = await fixture.NewPageAsync(1920, 1080);
        await display.GotoAsync($"/display/{officeId}?floor=3F");
        await WaitReadyAsync(display);
        await Expect(display.Locator("[data-counter='c11']")).ToHaveCountAsync(0);
        var kiosk = await fixture.NewPageAsync(1280, 1024);
        await kiosk.GotoAsync($"/kiosk/{officeId}?print=off");
        await WaitReadyAsync(kiosk);

        // The move is recorded a few seconds ahead; the kiosk announces it at once.
        var effective = DateTimeOffset.UtcNow.AddSeconds(6);
        using (var admin = fixture.Api())
        {
            var created = await admin.PostAsJsonAsync($"/api/offices/{officeId}/relocations", new { sectionId = "residents", toFloor = "3F", toArea = new { ja = "3階 東側", en = "east side of floor 3" }, effectiveFrom = effective });
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        }
        await kiosk.ReloadAsync();
        await Expect(kiosk.Locator("#notices [data-kind='relocation']")).ToContainTextAsync("区民課は3階 東側に移ります");

        // In effect: the phone of the visitor already waiting, the 3rd floor's display, the guide's search and new tickets.
        await Expect(phone.Locator("#detail")).ToContainTextAsync("3階", new() { Timeout = 30_000 });
        await Expect(display.Locator("[data-counter='c11']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(display.Locator("footer.notices")).ToContainTextAsync("区民課は3階 東側に移りました");
        await Expect(kiosk.Locator("#notices [data-kind='relocation']")).ToContainTextAsync("移りました");
        var next = await fixture.IssueAsync(officeId, "moving");
        Assert.Equal("3F", next["floor"]!.GetValue<string>());
        await BrowserFixture.ScreenshotAsync(display, "display-after-move");
        await BrowserFixture.ScreenshotAsync(phone, "phone-after-move");

        var guide = await fixture.NewPageAsync(1024, 768);
        await guide.GotoAsync($"/guide/{officeId}");
        await SignInAsync(guide, await GuideUserAsync());
        await guide.Locator("#q").FillAsync("引っ越し");
        await guide.Locator("#search-form button").ClickAsync();
        await Expect(guide.Locator("#results li").First.Locator(".floor")).ToHaveTextAsync("3階");
        await Expect(guide.Locator("#moves")).ToContainTextAsync("区民課は2階から3階 東側に移りました");

        // The printable floor guide for that day and for the renovation's day 区民課 moved back (2024-11-25).
        var print = await fixture.NewPageAsync(1240, 1754);
        await print.GotoAsync($"/floor-guide/{officeId}");
        await WaitReadyAsync(print);
        await Expect(print.Locator("tr[data-section='residents']")).ToHaveAttributeAsync("data-floor", "3F");
        await print.GotoAsync($"/floor-guide/{officeId}?date=2024-11-25");
        await WaitReadyAsync(print);
        await Expect(print.Locator("tr[data-section='residents']")).ToHaveAttributeAsync("data-floor", "2F");
        await Expect(print.Locator("tr[data-section='residents'] .moved")).ToContainTextAsync("3階から移転");
        await BrowserFixture.ScreenshotAsync(print, "floor-guide-2024-11-25", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(print, "floor-guide");
        foreach (var p in new[] { phone, display, kiosk, guide, print }) Assert.Empty(fixture.PageErrors[p]);
    }

    /// <summary>
    /// The floor guide prints on the paper chosen: the page's size was set by an inline style the pages' policy refuses, so
    /// it printed at the browser's default (US Letter) whatever was chosen.
    /// </summary>
    [Fact]
    public async Task The_printable_floor_guide_prints_on_the_paper_chosen()
    {
        var page = await fixture.NewPageAsync(1240, 1754);
        await page.GotoAsync("/floor-guide/kawasaki?paper=a3");
        await WaitReadyAsync(page);
        var a3 = await BrowserFixture.PrintedPageSizeAsync(page);
        Assert.Equal((842, 1191), ((int)Math.Round(a3.Width), (int)Math.Round(a3.Height))); // 297 × 420 mm
        await page.Locator("#paper").SelectOptionAsync("a4");
        await Expect(page.Locator("#page-size")).ToHaveAttributeAsync("href", "/assets/css/page-a4.css");
        var a4 = await BrowserFixture.PrintedPageSizeAsync(page);
        Assert.Equal((595, 842), ((int)Math.Round(a4.Width), (int)Math.Round(a4.Height))); // 210 × 297 mm
        Assert.Empty(fixture.PageErrors[page]);
    }

    [Fact]
    public async Task An_administrator_plans_a_move_on_the_admin_page_and_cancels_it()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki");
        var admin = await fixture.NewPageAsync(1280, 1000);
        admin.Dialog += (_, dialog) => dialog.AcceptAsync(); // 「取り消しますか？」
        await admin.GotoAsync("/admin");
        await SignInAsync(admin, ("admin", BrowserFixture.AdminPassword));
        await admin.Locator("#rel-office").SelectOptionAsync(officeId);
        await admin.Locator("#rel-section").SelectOptionAsync("elderly-disability");
        await admin.GetByLabel("移転先の階（例：3F）").FillAsync("6F");
        await admin.GetByLabel("場所（任意、例：3階 東側）").FillAsync("6階 南側");
        var day = CounterQueue.Domain.Calendar.Tokyo.DateOf(TimeProvider.System.GetUtcNow()).AddDays(20);
        await admin.Locator("#rel-date").FillAsync(day.ToString("yyyy-MM-dd"));
        await admin.Locator("#rel-save").ClickAsync();
        await Expect(admin.Locator("#rel-feedback")).ToHaveTextAsync("登録しました");
        var row = admin.Locator("#relocation-list tbody tr").First;
        await Expect(row).ToContainTextAsync("6F 6階 南側");
        await BrowserFixture.AssertAccessibleAsync(admin, "admin-relocations");
        using var api = fixture.Api(asAdmin: false);
        var planned = (await (await api.GetAsync($"/api/offices/{officeId}/relocations")).ReadJsonAsync()).AsArray().Last()!;
        Assert.Equal(("elderly-disability", "6F", CounterQueue.Domain.Calendar.Tokyo.At(day, new TimeSpan(8, 0, 0))),
            (planned["sectionId"]!.GetValue<string>(), planned["toFloor"]!.GetValue<string>(), planned["effectiveFrom"]!.GetValue<DateTimeOffset>()));

        await row.GetByRole(AriaRole.Button, new() { Name = "取り消す" }).ClickAsync();
        await Expect(admin.Locator("#rel-feedback")).ToHaveTextAsync("中止しました");
        await Expect(admin.Locator("#relocation-list tbody tr", new() { HasText = "6階 南側" })).ToHaveCountAsync(0);
        // Moves already in effect cannot be cancelled from the page: they have no button.
        await Expect(admin.Locator("#relocation-list tbody tr").First.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        // A branch's remote consultation hours and busy threshold (a copy of daishi, made after the page loaded: reload).
        var branchId = await fixture.CopyOfficeAsync("daishi");
        await admin.ReloadAsync();
        await WaitReadyAsync(admin);
        await admin.Locator("#booth-office").SelectOptionAsync(branchId);
        await Expect(admin.Locator("#booth")).ToHaveAttributeAsync("data-office", branchId); // the chosen branch's settings arrived
        await Expect(admin.Locator("#booth-topics")).ToContainTextAsync("相談内容 12 件");
        await admin.Locator("#booth-opens").FillAsync("10:00");
        await admin.GetByLabel("混雑とみなす待ち人数").FillAsync("7");
        await admin.Locator("#booth-save").ClickAsync();
        await Expect(admin.Locator("#booth-feedback")).ToHaveTextAsync("登録しました");
        var booth = await (await api.GetAsync($"/api/offices/{branchId}/remote-consultation")).ReadJsonAsync();
        Assert.Equal("10:00", booth["hours"]!["weekdays"]!["opens"]!.GetValue<string>());
        using (var adminApi = fixture.Api())
            Assert.Equal(7, (await (await adminApi.GetAsync($"/api/admin/offices/{branchId}")).ReadJsonAsync())["remoteConsultation"]!["busyWhenWaiting"]!.GetValue<int>());
        Assert.Empty(fixture.PageErrors[admin]);
    }

    [Fact]
    public async Task A_slow_answer_for_a_branch_chosen_before_does_not_overwrite_the_one_chosen_after()
    {
        // Two copies of a branch, the second opening its booth at 10:30; the first's settings are held back 1.5 s on the wire.
        var (first, second) = (await fixture.CopyOfficeAsync("daishi"), await fixture.CopyOfficeAsync("daishi"));
        using var adminApi = fixture.Api();
        var policy = (await (await adminApi.GetAsync($"/api/admin/offices/{second}")).ReadJsonAsync())["remoteConsultation"]!;
        policy["hours"]!["weekdays"]!["opens"] = "10:30";
        (await adminApi.PutAsJsonAsync($"/api/admin/offices/{second}/remote-consultation", policy)).EnsureSuccessStatusCode();
        var admin = await fixture.NewPageAsync(1280, 1000);
        await admin.GotoAsync("/admin");
        await SignInAsync(admin, ("admin", BrowserFixture.AdminPassword));
        var firstHeldBack = new TaskCompletionSource();
        await admin.RouteAsync($"**/api/admin/offices/{first}", async route =>
        {
            await Task.Delay(1500);
            await route.ContinueAsync();
            firstHeldBack.TrySetResult();
        });

        await admin.Locator("#booth-office").SelectOptionAsync(first);
        await Expect(admin.Locator("#booth-opens")).ToBeDisabledAsync(); // nothing typed now could be overwritten
        await admin.Locator("#booth-office").SelectOptionAsync(second);
        await Expect(admin.Locator("#booth")).ToHaveAttributeAsync("data-office", second);
        await Expect(admin.Locator("#booth-opens")).ToHaveValueAsync("10:30");
        await firstHeldBack.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await admin.WaitForTimeoutAsync(500); // the late answer has reached the page
        await Expect(admin.Locator("#booth-opens")).ToHaveValueAsync("10:30");
        await Expect(admin.Locator("#booth")).ToHaveAttributeAsync("data-office", second);
        await Expect(admin.Locator("#booth-opens")).ToBeEnabledAsync();
        Assert.Empty(fixture.PageErrors[admin]);
    }
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CounterQueue.Domain.Calendar;
using CounterQueue.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>The pages in a real browser (Debian's Chromium) against the real app with the demo offices.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTests(BrowserFixture fixture) : IBrowserTest
{
    public BrowserFixture Fixture => fixture;

    private async Task<IPage> OpenAsync(string path, int width = 1280, int height = 900, bool mobile = false)
    {
        var page = await fixture.NewPageAsync(width, height, mobile);
        var foreign = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(fixture.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                lock (foreign) foreign.Add(request.Url);
        };
        Foreign[page] = foreign;
        await page.GotoAsync(path);
        return page;
    }

    private Dictionary<IPage, List<string>> Foreign { get; } = [];

    /// <summary>No script errors and nothing fetched from another origin (offices' networks are closed).</summary>
    private void AssertClean(IPage page)
    {
        Assert.Empty(fixture.PageErrors[page]);
        Assert.Empty(Foreign[page]);
    }

    private static Task WaitReadyAsync(IPage page) => Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);

    [Fact]
    public async Task Display_shows_and_announces_a_number_called_through_the_api_and_again_on_recall()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki"); // this test's own copy of kawasaki
        await fixture.OpenCounterAsync(officeId, "c2", "residence-certificate");
        var page = await OpenAsync($"/display/{officeId}?floor=1F", 1920, 1080);
        await WaitReadyAsync(page);

        var ticket = await fixture.IssueAsync(officeId, "residence-certificate");
        var number = ticket["number"]!.GetValue<string>();
        Assert.Equal(number, (await fixture.CallNextAsync(officeId, "c2"))!["number"]!.GetValue<string>());

        await Expect(page.GetByTestId("now-number")).ToHaveTextAsync(number);
        await Expect(page.Locator("#now")).ToContainTextAsync("2番窓口");
        await Expect(page.Locator("#counters tr[data-counter='c2']")).ToContainTextAsync(number);
        // Spoken in Japanese, then English ("A-001" is read "A 1").
        var spokenNumber = System.Text.RegularExpressions.Regex.Replace(number, "^([A-Z]+)-0*", "$1 ");
        await page.WaitForFunctionAsync("n => window.cqDisplay.announcements.filter(a => a.text.includes(n)).length >= 2", spokenNumber);
        var texts = await page.EvaluateAsync<string[]>("() => window.cqDisplay.announcements.map(a => a.lang + ':' + a.text)");
        Assert.Contains($"ja:受付番号 {spokenNumber}番の方、1階 2番窓口へお越しください。", texts);
        Assert.Contains($"en:Ticket number {spokenNumber}, please come to Counter 2, floor 1.", texts);
        await BrowserFixture.AssertOwnJapaneseFontAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "display-1F-called");

        await fixture.CounterActionAsync(officeId, "c2", "recall");
        await Expect(page.Locator("#now .recall")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("n => window.cqDisplay.announcements.some(a => a.text.startsWith('もう一度') && a.text.includes(n))", spokenNumber);
        await BrowserFixture.ScreenshotAsync(page, "display-1F-recall");

        // Nothing scrolls on the TV.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth"));
        await BrowserFixture.AssertAccessibleAsync(page, "display");
        AssertClean(page);
    }

    [Fact]
    public async Task Display_keeps_a_call_heard_while_it_was_reading_the_counters_and_announces_it_once()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki"); // this test's own copy of kawasaki
        await fixture.OpenCounterAsync(officeId, "c2", "residence-certificate");
        var number = (await fixture.IssueAsync(officeId, "residence-certificate"))["number"]!.GetValue<string>();
        var page = await fixture.NewPageAsync(1920, 1080);
        Foreign[page] = [];
        // The display reads the counters once on opening and again once subscribed: that second read's answer (from
        // before the call) is held on the wire while the number is called.
        var held = await HeldAnswer.OnAsync(page, $"**/api/offices/{officeId}/counters", which: 2);
        await page.GotoAsync($"/display/{officeId}?floor=1F");
        await held.ReadAsync();
        Assert.Equal(number, (await fixture.CallNextAsync(officeId, "c2"))!["number"]!.GetValue<string>());
        await Expect(page.GetByTestId("now-number")).ToHaveTextAsync(number);
        var spokenNumber = System.Text.RegularExpressions.Regex.Replace(number, "^([A-Z]+)-0*", "$1 ");
        await page.WaitForFunctionAsync("n => window.cqDisplay.announcements.filter(a => a.text.includes(n)).length >= 2", spokenNumber);

        await held.ReleaseAsync(page);
        await WaitReadyAsync(page);
        Assert.Equal(number, await page.GetByTestId("now-number").TextContentAsync());
        Assert.Contains(number, await page.Locator("#counters tr[data-counter='c2']").TextContentAsync());
        Assert.Equal(2, await page.EvaluateAsync<int>("n => window.cqDisplay.announcements.filter(a => a.text.includes(n)).length", spokenNumber));
        AssertClean(page);
    }

    /// <summary>
    /// The lobby clock shows the office's time by the server's clock, not the player's: here the browser's clock is stuck
    /// years ahead (a signage player with a wrong clock), and the display still shows the server's date and minute.
    /// </summary>
    [Fact]
    public async Task Display_clock_follows_the_servers_clock_not_the_players()
    {
        var page = await fixture.NewPageAsync(1920, 1080);
        await page.Clock.SetFixedTimeAsync(new DateTime(2031, 3, 3, 3, 3, 0, DateTimeKind.Utc)); // Date.now() is this, timers still run
        await page.GotoAsync("/display/kawasaki?floor=1F");
        await WaitReadyAsync(page);
        await Expect(page.Locator("#clock[data-offset-ms]")).ToHaveCountAsync(1);

        using var api = fixture.Api(asAdmin: false);
        var response = await api.GetAsync("/api/clock");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var now = DateTimeOffset.Parse((await response.ReadJsonAsync())["now"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(9), now.Offset); // Japan time
        var shown = await page.Locator("#clock").TextContentAsync();
        // The minute may turn between the page's reading and this one.
        static string Format(DateTimeOffset t) => $"{t.Month}月{t.Day}日({"日月火水木金土"[(int)t.DayOfWeek]}) {t:HH:mm}";
        Assert.Contains(shown, new[] { Format(now), Format(now.AddMinutes(-1)) });
        Assert.Empty(fixture.PageErrors[page]);
    }

    [Fact]
    public async Task Display_of_another_floor_does_not_show_the_call()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki"); // this test's own copy of kawasaki
        await fixture.OpenCounterAsync(officeId, "c1", "residence-certificate");
        var other = await OpenAsync($"/display/{officeId}?floor=3F", 1920, 1080);
        await WaitReadyAsync(other);
        await fixture.IssueAsync(officeId, "residence-certificate");
        var called = (await fixture.CallNextAsync(officeId, "c1"))!["number"]!.GetValue<string>();
        var whole = await OpenAsync($"/display/{officeId}", 1920, 1080);
        await WaitReadyAsync(whole);
        // The whole-office display (opened after the call) resynchronised from the API and shows it…
        await Expect(whole.Locator("#counters tr[data-counter='c1']")).ToContainTextAsync(called);
        await BrowserFixture.ScreenshotAsync(whole, "display-whole-office");
        // …the 3F display never heard of it.
        await Expect(other.Locator("#counters")).Not.ToContainTextAsync(called);
        Assert.Equal(0, await other.EvaluateAsync<int>("() => window.cqDisplay.announcements.length"));
        AssertClean(other);
        AssertClean(whole);
    }

    [Fact]
    public async Task Kiosk_checks_a_booking_in_by_its_typed_code_and_prints_a_ticket_that_says_so()
    {
        // An office of this test's own, open all day, whose service "a" is booked in 5-minute slots up to their start.
        var office = TestOffices.Create();
        office = office with
        {
            Services = office.Services.Select(s => s.Id == "a"
                ? s with { Bookable = true, Booking = new CounterQueue.Domain.Bookings.SlotPolicy { SlotMinutes = 5, CutoffMinutes = 0 } } : s).ToList(),
        };
        using (var admin = fixture.Api())
            Assert.Equal(System.Net.HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/api/admin/offices/{office.Id}", office, ApiJson.Options)).StatusCode);
        // The real clock: the next slot must be today, so within its length of midnight wait for the new day.
        await Poll.UntilAsync(() => CounterQueue.Domain.Calendar.Tokyo.ToLocal(TimeProvider.System.GetUtcNow()).TimeOfDay < new TimeSpan(23, 54, 0),
            TimeSpan.FromMinutes(7), "the day has a slot left");
        var now = TimeProvider.System.GetUtcNow();
        var start = now.AddTicks(TimeSpan.FromMinutes(5).Ticks - now.Ticks % TimeSpan.FromMinutes(5).Ticks);
        string code;
        using (var visitor = fixture.Api(asAdmin: false))
        {
            var booked = await visitor.PostJsonAsync("/api/bookings", new { officeId = office.Id, serviceId = "a", start, language = "en" });
            Assert.Equal(System.Net.HttpStatusCode.Created, booked.StatusCode);
            code = (await booked.ReadJsonAsync())["code"]!.GetValue<string>();
        }

        var page = await OpenAsync($"/kiosk/{office.Id}?print=off", 1280, 1024);
        await WaitReadyAsync(page);
        await page.Locator("button[data-lang='en']").ClickAsync();
        await Expect(page.Locator("#booking h2")).ToHaveTextAsync("I have a booking");
        await page.GetByLabel("Booking code (8 characters)").FillAsync(code.ToLowerInvariant().Replace("-", " "));
        await page.Locator("#check-in").ClickAsync();

        await Expect(page.GetByTestId("ticket-number")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^A-\\d{3}$"));
        var outcome = page.GetByTestId("booking-outcome");
        await Expect(outcome).ToBeVisibleAsync();
        await Expect(outcome).ToContainTextAsync(new System.Text.RegularExpressions.Regex("booked time|booked place")); // early or on time
        await BrowserFixture.ScreenshotAsync(page, "kiosk-booking-checked-in");
        await BrowserFixture.AssertAccessibleAsync(page, "kiosk-booking-checked-in");

        // The same code again: still the same ticket (a retry never prints two).
        var first = await page.EvaluateAsync<string>("() => window.cqKiosk.ticket.ticketId");
        await page.Locator("#done").ClickAsync();
        await page.GetByLabel("予約番号（8文字）").FillAsync(code);
        await page.Locator("#check-in").ClickAsync();
        await Expect(page.Locator("#ticket")).ToBeVisibleAsync();
        Assert.Equal(first, await page.EvaluateAsync<string>("() => window.cqKiosk.ticket.ticketId"));
        // A code that is no booking's: a readable message, no ticket.
        await page.Locator("#done").ClickAsync();
        await page.GetByLabel("予約番号（8文字）").FillAsync(code == "AAAA-AAAA" ? "CCCC-CCCC" : "AAAA-AAAA");
        await page.Locator("#check-in").ClickAsync();
        await Expect(page.Locator("#message")).ToContainTextAsync("受付できませんでした");
        AssertClean(page);
    }

    [Fact]
    public async Task Kiosk_issues_an_assisted_ticket_by_keyboard_alone_with_a_qr_code_to_the_phone_page()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki"); // this test's own copy of kawasaki
        await fixture.OpenCounterAsync(officeId, "c3", "tax-certificate");
        var page = await OpenAsync($"/kiosk/{officeId}?print=off", 1280, 1024);
        await WaitReadyAsync(page);
        await BrowserFixture.AssertOwnJapaneseFontAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "kiosk-start", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(page, "kiosk");
        await BrowserFixture.AssertTouchTargetsAsync(page, "kiosk");

        // English, by keyboard: Tab to the language switch, Enter.
        await page.Locator("button[data-lang='en']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#assisted")).ToContainTextAsync("I need assistance");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("#booking")).ToBeHiddenAsync(); // kawasaki has no bookable service

        // "I need assistance", then the service, all by keyboard.
        await page.Locator("#assisted").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator("#assisted")).ToHaveAttributeAsync("aria-pressed", "true");
        var service = page.Locator("button[data-service='tax-certificate']");
        await Expect(service).ToBeEnabledAsync();
        for (var i = 0; i < 40 && !await service.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
            await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");

        var number = page.GetByTestId("ticket-number");
        await Expect(number).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^B-\\d{3}$"));
        await Expect(page.Locator("#t-assisted")).ToBeVisibleAsync();
        var phoneUrl = await page.Locator("#t-qr img").GetAttributeAsync("data-url");
        Assert.StartsWith($"{fixture.BaseAddress}t/", phoneUrl);
        var ticketId = Uri.UnescapeDataString(phoneUrl![$"{fixture.BaseAddress}t/".Length..]);
        using (var api = fixture.Api(asAdmin: false))
        {
            var ticket = await (await api.GetAsync($"/api/tickets/{ticketId}")).ReadJsonAsync();
            Assert.Equal(await number.TextContentAsync(), ticket["number"]!.GetValue<string>());
            Assert.Equal("assisted", ticket["priority"]!.GetValue<string>());
            Assert.Equal("en", ticket["language"]!.GetValue<string>());
        }
        // The QR code really encodes that address: its pixels, read back from the page, decode to it.
        var decoded = await DecodeQrAsync(page, "#t-qr img");
        Assert.Equal(phoneUrl, decoded);
        // …and that address is the phone page that follows the ticket to "called".
        var phone = await fixture.NewPageAsync(390, 844, mobile: true);
        await phone.GotoAsync(decoded!);
        await WaitReadyAsync(phone);
        await Expect(phone.GetByTestId("number")).ToHaveTextAsync((await number.TextContentAsync())!);
        await Expect(phone.Locator("html")).ToHaveAttributeAsync("lang", "en"); // the language chosen at the kiosk
        Assert.Equal(await number.TextContentAsync(), (await fixture.CallNextAsync(officeId, "c3"))!["number"]!.GetValue<string>());
        await Expect(phone.Locator("#status")).ToHaveAttributeAsync("data-status", "called");
        await Expect(phone.Locator("#detail")).ToContainTextAsync("Counter 3");
        await fixture.CounterActionAsync(officeId, "c3", "complete");
        Assert.Empty(fixture.PageErrors[phone]);
        await BrowserFixture.ScreenshotAsync(page, "kiosk-ticket");
        await BrowserFixture.AssertAccessibleAsync(page, "kiosk-ticket");

        // The printed ticket: 80 mm wide paper, only the ticket.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await page.SetViewportSizeAsync(302, 700); // 80 mm at 96 dpi
        Assert.False(await page.Locator("#choose").IsVisibleAsync());
        Assert.True(await page.Locator(".actions").IsHiddenAsync());
        await BrowserFixture.ScreenshotAsync(page, "kiosk-ticket-print", fullPage: true);
        var pdf = await page.PdfAsync(new PagePdfOptions { PreferCSSPageSize = true });
        Assert.True(pdf.Length > 1000);
        await File.WriteAllBytesAsync(Path.Combine(BrowserFixture.ArtifactsDirectory, "kiosk-ticket.pdf"), pdf);
        AssertClean(page);
    }

    /// <summary>
    /// A kiosk is shared: it starts in the office's language, Japanese, even on a device whose own locale is English (it
    /// followed the device's until now, and went to Japanese only after the first visitor); a visitor's choice lasts through
    /// a reload until "back to start".
    /// </summary>
    [Fact]
    public async Task Kiosk_on_a_device_set_to_English_starts_in_Japanese_and_keeps_a_visitors_choice_until_back_to_start()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki");
        await fixture.OpenCounterAsync(officeId, "c3", "tax-certificate");
        var page = await fixture.NewPageAsync(1280, 1024, locale: "en-US");
        await page.GotoAsync($"/kiosk/{officeId}?print=off");
        await WaitReadyAsync(page);
        Assert.Equal("en-US", await page.EvaluateAsync<string>("navigator.language"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await Expect(page.Locator("#assisted")).ToContainTextAsync("お手伝いが必要な方");

        await page.Locator("button[data-lang='vi']").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
        await page.ReloadAsync();
        await WaitReadyAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "vi"); // the visitor's choice, not the device's

        await page.Locator("button[data-service='tax-certificate']").ClickAsync();
        await Expect(page.GetByTestId("ticket-number")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^B-\\d{3}$"));
        await page.Locator("#done").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await Expect(page.Locator("#assisted")).ToContainTextAsync("お手伝いが必要な方");
        Assert.Empty(fixture.PageErrors[page]);
    }

    /// <summary>
    /// The kiosk tries again, with the same Idempotency-Key, when the server answers "briefly unavailable" with a
    /// Retry-After (a host restarting, a store that could not write): the visitor gets one ticket, not an error.
    /// </summary>
    [Fact]
    public async Task Kiosk_tries_again_after_a_brief_503_and_prints_one_ticket()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki");
        await fixture.OpenCounterAsync(officeId, "c3", "tax-certificate");
        var page = await fixture.NewPageAsync(1280, 1024);
        var keys = new List<string>();
        var refused = 0;
        await page.RouteAsync($"**/api/offices/{officeId}/tickets", async route =>
        {
            lock (keys) keys.Add(route.Request.Headers.GetValueOrDefault("idempotency-key", ""));
            if (Interlocked.Increment(ref refused) == 1)
                await route.FulfillAsync(new RouteFulfillOptions
                {
                    Status = 503, ContentType = "application/problem+json", Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
                    Body = """{"status":503,"code":"unavailable","title":"ただいま混み合っています。しばらくしてからお試しください"}""",
                });
            else await route.ContinueAsync();
        });
        await page.GotoAsync($"/kiosk/{officeId}?print=off");
        await WaitReadyAsync(page);
        await page.Locator("button[data-service='tax-certificate']").ClickAsync();
        await Expect(page.GetByTestId("ticket-number")).ToHaveTextAsync("B-001");
        Assert.Equal(2, keys.Count);
        Assert.Equal(keys[0], keys[1]); // the same request, tried again
        await Expect(page.Locator("#message")).ToBeEmptyAsync();
        using var api = fixture.Api();
        var waiting = (await (await api.GetAsync($"/api/offices/{officeId}/tickets?status=waiting")).ReadJsonAsync()).AsArray();
        Assert.Single(waiting);
        Assert.Empty(fixture.PageErrors[page]);
    }

    /// <summary>
    /// A lobby TV left on overnight: the app's own clock starts 45 s before midnight, a number is called, and the display
    /// shows it; past midnight (nothing happening: no event) the display reads the new day — nobody called, nobody
    /// waiting — where it used to show yesterday's last call and line the next morning. An app of its own (its clock).
    /// </summary>
    [Fact]
    public async Task Display_left_on_overnight_starts_the_new_day_with_no_call_and_empty_lines()
    {
        using var data = new TempDirectory("midnight");
        var midnight = Tokyo.At(Tokyo.DateOf(TimeProvider.System.GetUtcNow()), TimeSpan.Zero); // the last one: a simulated clock starts in the past
        await using var app = await AppProcess.StartAsync(data.Path, BrowserFixture.AdminPassword, environment: new Dictionary<string, string>
        {
            ["Queue__ClockStartsAt"] = midnight.AddSeconds(-45).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        });
        using var admin = app.CreateClient(await AppFixture.TokenAsync(app.CreateClient(), "admin", BrowserFixture.AdminPassword));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/offices/kawasaki/counters/c2/open", new { serviceIds = new[] { "residence-certificate" } })).StatusCode);
        for (var i = 0; i < 2; i++)
            Assert.Equal(System.Net.HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/offices/kawasaki/tickets", new { serviceId = "residence-certificate" })).StatusCode);
        Assert.Equal("A-001", (await (await admin.PostAsync("/api/offices/kawasaki/counters/c2/call-next", null)).ReadJsonAsync())["ticket"]!["number"]!.GetValue<string>());

        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1920, Height = 1080 }, Locale = "ja-JP", TimezoneId = "Asia/Tokyo",
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync("/display/kawasaki?floor=1F");
        await WaitReadyAsync(page);
        await Expect(page.GetByTestId("now-number")).ToHaveTextAsync("A-001");
        await Expect(page.Locator("#services")).ToContainTextAsync("1人");
        var serverNow = DateTimeOffset.Parse((await (await app.CreateClient().GetAsync("/api/clock")).ReadJsonAsync())["now"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(serverNow < midnight, $"the set-up took too long: it is {serverNow:HH:mm:ss} on the app's clock already");

        var pastMidnight = new LocatorAssertionsToHaveCountOptions { Timeout = 90_000 };
        await Expect(page.GetByTestId("now-number")).ToHaveCountAsync(0, pastMidnight);
        await Expect(page.Locator("#now")).ToContainTextAsync("まだお呼びしていません");
        await Expect(page.Locator("#services")).Not.ToContainTextAsync("1人"); // the night: no line (a closed service is not listed)
        Assert.Empty(errors);
    }

    /// <summary>
    /// The kiosk reads its services again every minute, so a change no event tells it of (a service opening with the
    /// office's hours, a new day's empty lines) shows within a minute. Here it hears no event at all (its hub is cut off)
    /// and the browser's clock is driven by the test.
    /// </summary>
    [Fact]
    public async Task Kiosk_reads_its_services_again_every_minute_without_any_event()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki");
        await fixture.OpenCounterAsync(officeId, "c3", "tax-certificate");
        var page = await fixture.NewPageAsync(1280, 1024);
        await page.RouteAsync("**/hubs/lobby**", route => route.AbortAsync());
        await page.Clock.InstallAsync();
        await page.GotoAsync($"/kiosk/{officeId}?print=off");
        var button = page.Locator("button[data-service='tax-certificate']");
        await Expect(button).ToContainTextAsync("待ち 0人");

        await fixture.IssueAsync(officeId, "tax-certificate"); // the line grows; this kiosk is not told
        await page.Clock.RunForAsync(50_000);
        await Expect(button).ToContainTextAsync("待ち 0人");
        await page.Clock.RunForAsync(11_000);
        await Expect(button).ToContainTextAsync("待ち 1人");
    }

    /// <summary>An administrator takes a backup of the store from the admin page and sees it listed (the file is there).</summary>
    [Fact]
    public async Task An_administrator_takes_a_backup_on_the_admin_page_and_sees_it_listed()
    {
        var page = await fixture.NewAdminPageAsync("/admin");
        await Expect(page.Locator("#backups-heading")).ToHaveTextAsync("バックアップ");
        await page.Locator("#backup-now").ClickAsync();
        await Expect(page.Locator("#backup-feedback")).ToContainTextAsync("バックアップを取りました");
        var row = page.Locator("#backup-list tbody tr[data-backup]").First;
        var name = await row.GetAttributeAsync("data-backup");
        Assert.Matches(@"^queue-\d{8}-\d{6}\.db$", name);
        Assert.True(File.Exists(Path.Combine(fixture.DataDirectory, "backups", name!)), "the backup's file");
        await Expect(page.Locator("#backup-feedback")).ToContainTextAsync(name!);
        await BrowserFixture.AssertAccessibleAsync(page, "admin-backups");
        Assert.Empty(fixture.PageErrors[page]);
    }

    /// <summary>Draws the image on a canvas in the page and decodes its pixels with ZXing.</summary>
    private static async Task<string?> DecodeQrAsync(IPage page, string selector)
    {
        var pixels = await page.Locator(selector).EvaluateAsync<int[]>("""
            img => {
              const scale = 3, canvas = document.createElement('canvas');
              canvas.width = img.naturalWidth * scale; canvas.height = img.naturalHeight * scale;
              const ctx = canvas.getContext('2d');
              ctx.imageSmoothingEnabled = false;
              ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
              return [canvas.width, canvas.height, ...ctx.getImageData(0, 0, canvas.width, canvas.height).data];
            }
            """);
        var (width, height) = (pixels[0], pixels[1]);
        var rgba = pixels.Skip(2).Select(v => (byte)v).ToArray();
        var source = new ZXing.RGBLuminanceSource(rgba, width, height, ZXing.RGBLuminanceSource.BitmapFormat.RGBA32);
        var result = new ZXing.QrCode.QRCodeReader().decode(new ZXing.BinaryBitmap(new ZXing.Common.HybridBinarizer(source)));
        return result?.Text;
    }

    [Fact]
    public async Task Phone_page_follows_the_ticket_to_called_and_vibrates()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki"); // this test's own copy of kawasaki
        await fixture.OpenCounterAsync(officeId, "c13", "my-number");
        var ahead = await fixture.IssueAsync(officeId, "my-number");
        var ticket = await fixture.IssueAsync(officeId, "my-number");
        var ticketId = ticket["ticketId"]!.GetValue<string>();
        var page = await fixture.NewPageAsync(390, 844, mobile: true);
        await page.AddInitScriptAsync("window.__vibrations = []; navigator.vibrate = (p) => { window.__vibrations.push(p); return true; };");
        Foreign[page] = [];
        await page.GotoAsync($"/t/{ticketId}");
        await WaitReadyAsync(page);
        await Expect(page.GetByTestId("number")).ToHaveTextAsync(ticket["number"]!.GetValue<string>());
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "waiting");
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("aria-live", "polite");
        await Expect(page.Locator("#position")).ToContainTextAsync("あなたの前に 1人");
        // The one ahead is called: the position follows, live.
        Assert.Equal(ahead["number"]!.GetValue<string>(), (await fixture.CallNextAsync(officeId, "c13"))!["number"]!.GetValue<string>());
        await Expect(page.Locator("#position")).ToContainTextAsync("次にお呼びします");
        await fixture.CounterActionAsync(officeId, "c13", "complete");
        await BrowserFixture.AssertOwnJapaneseFontAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "phone-waiting", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(page, "phone");
        await BrowserFixture.AssertTouchTargetsAsync(page, "phone");

        await fixture.CallNextAsync(officeId, "c13");
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "called");
        await Expect(page.Locator("#detail")).ToContainTextAsync("2階の13番窓口へお越しください");
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__vibrations.length"));
        await BrowserFixture.ScreenshotAsync(page, "phone-called", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(page, "phone-called");

        await fixture.CounterActionAsync(officeId, "c13", "complete");
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "done");
        AssertClean(page);
    }

    [Fact]
    public async Task Phone_page_keeps_a_pushed_change_when_an_older_read_of_the_ticket_arrives_after_it()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki"); // this test's own copy of kawasaki
        await fixture.OpenCounterAsync(officeId, "c13", "my-number");
        var ticket = await fixture.IssueAsync(officeId, "my-number");
        var ticketId = ticket["ticketId"]!.GetValue<string>();
        var page = await fixture.NewPageAsync(390, 844, mobile: true);
        Foreign[page] = [];
        await page.GotoAsync($"/t/{ticketId}");
        await WaitReadyAsync(page);
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "waiting");

        // The line moves (another visitor takes a number): the page reads its ticket again a moment later. That read's
        // answer ("waiting") is held on the wire while the ticket is called and completed.
        var held = await HeldAnswer.OnAsync(page, $"**/api/tickets/{ticketId}");
        await fixture.IssueAsync(officeId, "my-number");
        await held.ReadAsync();
        await fixture.CallNextAsync(officeId, "c13");
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "called");
        await fixture.CounterActionAsync(officeId, "c13", "complete");
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "done");

        await held.ReleaseAsync(page);
        Assert.Equal("done", await page.Locator("#status").GetAttributeAsync("data-status"));
        AssertClean(page);
    }

    [Fact]
    public async Task Phone_page_cancels_the_ticket_after_confirmation_in_the_visitors_language()
    {
        var officeId = await fixture.CopyOfficeAsync("kawasaki"); // this test's own copy of kawasaki
        await fixture.OpenCounterAsync(officeId, "c12", "seal-registration");
        using var visitor = fixture.Api(asAdmin: false);
        var response = await visitor.PostJsonAsync($"/api/offices/{officeId}/tickets", new { serviceId = "seal-registration", language = "vi" });
        var ticket = await response.ReadJsonAsync();
        var page = await OpenAsync($"/t/{ticket["ticketId"]!.GetValue<string>()}", 390, 844, mobile: true);
        await WaitReadyAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
        await Expect(page.Locator("#headline")).ToHaveTextAsync("Vui lòng chờ");
        await page.Locator("#cancel").ClickAsync();
        await Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await page.Locator("#confirm-yes").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "cancelled");
        await Expect(page.Locator("#cancel")).ToBeHiddenAsync();
        var after = await (await visitor.GetAsync($"/api/tickets/{ticket["ticketId"]!.GetValue<string>()}")).ReadJsonAsync();
        Assert.Equal("cancelled", after["status"]!.GetValue<string>());
        AssertClean(page);
    }

    [Fact]
    public async Task Index_lists_the_ward_office_first_then_its_branches()
    {
        var page = await OpenAsync("/", 1280, 900);
        await Expect(page.Locator("#offices > li").First).ToHaveAttributeAsync("data-office", "kawasaki");
        var shown = await page.Locator("#offices > li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.office)");
        using var api = fixture.Api(asAdmin: false);
        var kinds = (await (await api.GetAsync("/api/offices")).ReadJsonAsync()).AsArray()
            .ToDictionary(o => o!["id"]!.GetValue<string>(), o => o!["kind"]!.GetValue<string>());
        var lastWard = Array.FindLastIndex(shown, id => kinds[id] == "ward");
        var firstBranch = Array.FindIndex(shown, id => kinds[id] == "branch");
        Assert.True(firstBranch > lastWard, $"ward offices first, then branches: {string.Join(", ", shown)}");
        Assert.True(Array.IndexOf(shown, "daishi") < Array.IndexOf(shown, "tajima"));
        AssertClean(page);
    }

    [Fact]
    public async Task Phone_page_for_an_unknown_ticket_says_so()
    {
        var page = await OpenAsync("/t/kawasaki.moving.20260101.AAAAAAAAAAAAAAAAAAAAAA", 390, 844, mobile: true);
        await Expect(page.Locator("#error")).ToContainTextAsync("番号札が見つかりません");
    }

    [Fact]
    public async Task Staff_console_logs_in_and_drives_a_counter_by_buttons_and_keys()
    {
        var officeId = await fixture.CopyOfficeAsync("daishi"); // this test's own copy of daishi
        var page = await OpenAsync("/staff", 1400, 900);
        await page.Locator("#username").FillAsync("admin");
        await page.Locator("#password").FillAsync("wrong password");
        await page.Locator("#login-button").ClickAsync();
        await Expect(page.Locator("#login-error")).ToContainTextAsync("ログインできませんでした");
        await page.Locator("#password").FillAsync(BrowserFixture.AdminPassword);
        await page.Locator("#login-button").ClickAsync();
        await Expect(page.Locator("#console")).ToBeVisibleAsync();
        await WaitReadyAsync(page);

        await page.Locator("#office").SelectOptionAsync(officeId);
        await page.Locator("#counter").SelectOptionAsync("c1");
        await page.Locator("#open").ClickAsync();
        await Expect(page.GetByTestId("counter-state")).ToHaveAttributeAsync("data-state", "open");

        // Nobody waiting: the console says so.
        await page.Keyboard.PressAsync("n");
        await Expect(page.Locator("#feedback")).ToHaveTextAsync("お待ちの方はいません");

        var first = (await fixture.IssueAsync(officeId, "document-forwarding"))["number"]!.GetValue<string>();
        var second = await fixture.IssueAsync(officeId, "document-forwarding");
        await Expect(page.Locator("#waiting tr[data-service='document-forwarding'] td.number")).ToHaveTextAsync("2");
        await BrowserFixture.ScreenshotAsync(page, "staff-open");
        await BrowserFixture.AssertAccessibleAsync(page, "staff");
        await BrowserFixture.AssertTouchTargetsAsync(page, "staff");

        // The branch's lobby display, side by side with the console: the call shows there at once.
        var display = await OpenAsync($"/display/{officeId}", 1920, 1080);
        await WaitReadyAsync(display);
        await page.Locator("#call-next").ClickAsync();
        await Expect(page.GetByTestId("in-hand")).ToHaveTextAsync(first);
        await Expect(display.GetByTestId("now-number")).ToHaveTextAsync(first);
        await Expect(display.Locator("#now")).ToContainTextAsync("1番窓口");
        await Expect(page.Locator("#waiting tr[data-service='document-forwarding'] td.number")).ToHaveTextAsync("1");
        await page.Keyboard.PressAsync("s");
        await Expect(page.Locator("#in-hand-status")).ToContainTextAsync("対応中");
        await page.Keyboard.PressAsync("c");
        await Expect(page.Locator("#feedback")).ToContainTextAsync($"{first} を完了しました");
        await Expect(page.GetByTestId("in-hand")).ToHaveTextAsync("—");

        // Transfer the next one to consultation: it keeps its number.
        await page.Keyboard.PressAsync("n");
        await Expect(page.GetByTestId("in-hand")).ToHaveTextAsync(second["number"]!.GetValue<string>());
        await page.Keyboard.PressAsync("t");
        await page.Locator("#transfer-service").SelectOptionAsync("consultation");
        await page.Locator("#transfer-go").ClickAsync();
        await Expect(page.Locator("#feedback")).ToContainTextAsync("回付しました");
        using (var api = fixture.Api(asAdmin: false))
        {
            var moved = await (await api.GetAsync($"/api/tickets/{second["ticketId"]!.GetValue<string>()}")).ReadJsonAsync();
            Assert.Equal("consultation", moved["serviceId"]!.GetValue<string>());
            Assert.Equal("waiting", moved["status"]!.GetValue<string>());
        }

        // A failure is shown, not swallowed: someone else closed the counter meanwhile.
        await fixture.CounterActionAsync(officeId, "c1", "pause");
        await Expect(page.GetByTestId("counter-state")).ToHaveAttributeAsync("data-state", "paused");
        await page.Locator("#close").ClickAsync();
        await Expect(page.GetByTestId("counter-state")).ToHaveAttributeAsync("data-state", "closed");
        await BrowserFixture.ScreenshotAsync(page, "staff-closed");
        AssertClean(page);
        AssertClean(display);
    }
}

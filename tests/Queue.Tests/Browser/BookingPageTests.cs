using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CounterQueue.Domain.Bookings;
using CounterQueue.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>
/// The booking page and the kiosk's camera in the real browser: a visitor books in English, gets a code, a QR code and a
/// calendar file, and checks in by showing the QR code to the kiosk (Chromium's fake camera plays a file holding it).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BookingPageTests(BrowserFixture fixture) : IBrowserTest
{
    public BrowserFixture Fixture => fixture;

    /// <summary>An office of this test's own, open all day, whose service "a" is booked in 5-minute slots up to their start.</summary>
    private async Task<string> BookableOfficeAsync()
    {
        var office = TestOffices.Create();
        office = office with
        {
            Services = office.Services.Select(s => s.Id == "a" ? s with { Bookable = true, Booking = new SlotPolicy { SlotMinutes = 5, CutoffMinutes = 0 } } : s).ToList(),
        };
        using var admin = fixture.Api();
        Assert.Equal(System.Net.HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/api/admin/offices/{office.Id}", office, ApiJson.Options)).StatusCode);
        // The real clock: the next slot must be today, so within its length of midnight wait for the new day.
        await Poll.UntilAsync(() => CounterQueue.Domain.Calendar.Tokyo.ToLocal(TimeProvider.System.GetUtcNow()).TimeOfDay < new TimeSpan(23, 50, 0),
            TimeSpan.FromMinutes(11), "the day has a slot left");
        return office.Id;
    }

    private static Task WaitReadyAsync(IPage page) => Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);

    [Fact]
    public async Task A_visitor_books_in_English_gets_a_code_qr_and_calendar_file_and_checks_in_by_showing_the_qr_code_to_the_kiosk()
    {
        var officeId = await BookableOfficeAsync();
        var page = await fixture.NewPageAsync(390, 844, mobile: true, locale: "en-US");
        await page.GotoAsync($"/book/{officeId}");
        await WaitReadyAsync(page);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Book a visit");
        // The office is chosen from the address and its only bookable service at once; today's slots show.
        await Expect(page.Locator("#services button[data-service='a']")).ToHaveAttributeAsync("aria-pressed", "true");
        // The second slot offered: the first may start within seconds (5-minute slots, no cut-off) and be gone by the time
        // the form is sent; the second starts at least five minutes ahead.
        var slot = page.Locator("#slots button:not([disabled])").Nth(1);
        await Expect(slot).ToContainTextAsync("2 left");
        await slot.ClickAsync();
        await page.GetByLabel("Name").FillAsync("Jane Doe");
        await page.GetByLabel("Phone").FillAsync("044-201-3111");
        await BrowserFixture.AssertAccessibleAsync(page, "book-choose");
        await BrowserFixture.AssertTouchTargetsAsync(page, "book-choose");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book this time" }).ClickAsync();

        var code = page.GetByTestId("booking-code");
        await Expect(code).ToHaveTextAsync(new Regex("^[ACEFHJKMNPRTWXY3479]{4}-[ACEFHJKMNPRTWXY3479]{4}$"));
        var bookingCode = await code.TextContentAsync();
        await Expect(page.Locator("#done-status")).ToHaveTextAsync("Booked");
        await BrowserFixture.ScreenshotAsync(page, "book-done", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(page, "book-done");
        var bookingId = await page.EvaluateAsync<string>("() => window.cqBook.booking.bookingId");
        // The calendar file the link gives.
        var calendarHref = await page.Locator("#calendar").GetAttributeAsync("href");
        using (var visitor = fixture.Api(asAdmin: false))
        {
            var ics = await visitor.GetAsync(calendarHref);
            Assert.Equal("text/calendar", ics.Content.Headers.ContentType!.MediaType);
            var text = (await ics.Content.ReadAsStringAsync()).Replace("\r\n ", "");
            Assert.Contains("SUMMARY:Service A (booking)", text);
            Assert.Contains(bookingCode!, text);
            Assert.DoesNotContain("Jane", text);
        }
        var qrUrl = await page.Locator("#qr img").GetAttributeAsync("data-url");
        Assert.EndsWith($"/book/{officeId}?code={Uri.EscapeDataString(bookingCode!)}", qrUrl);

        // The QR code as a camera would see it: the page's own image, drawn on a white 640 × 480 frame.
        var video = Path.Combine(fixture.DataDirectory, $"qr-{Guid.NewGuid():N}.y4m");
        await FakeCamera.WriteY4mAsync(page, "#qr img", video);

        // The kiosk, its camera playing that frame.
        using var playwright = await Playwright.CreateAsync();
        await using var camera = await FakeCamera.LaunchAsync(playwright, video);
        var (kiosk, errors) = await FakeCamera.OpenAsync(camera, fixture.BaseAddress, $"/kiosk/{officeId}?print=off", 1280, 1024, "en-US");
        await WaitReadyAsync(kiosk);
        await kiosk.Locator("button[data-lang='en']").ClickAsync();
        await kiosk.GetByRole(AriaRole.Button, new() { Name = "Show the QR code" }).ClickAsync();
        await Expect(kiosk.GetByTestId("ticket-number")).ToHaveTextAsync(new Regex("^A-\\d{3}$"));
        await Expect(kiosk.GetByTestId("booking-outcome")).ToContainTextAsync(new Regex("booked time|booked place"));
        await Expect(kiosk.Locator("#scanner")).ToBeHiddenAsync(); // the camera stopped
        await BrowserFixture.ScreenshotAsync(kiosk, "kiosk-booking-scanned");
        Assert.Empty(errors);

        using var api = fixture.Api(asAdmin: false);
        var booking = await (await api.GetAsync($"/api/bookings/{bookingId}")).ReadJsonAsync();
        Assert.Equal("checkedIn", booking["status"]!.GetValue<string>());
        Assert.Empty(fixture.PageErrors[page]);
    }

    [Fact]
    public async Task A_branch_consultation_is_booked_with_a_topic_and_a_room_and_cancelled_by_its_code()
    {
        var officeId = await fixture.CopyOfficeAsync("daishi");
        var page = await fixture.NewPageAsync(1024, 900);
        await page.GotoAsync($"/book/{officeId}");
        await WaitReadyAsync(page);
        await Expect(page.Locator("h1")).ToHaveTextAsync("窓口の予約");
        await page.Locator("#services button[data-service='consultation']").ClickAsync();
        // The topic is one of the ward office's sections whose staff come to the branch.
        await Expect(page.Locator("#topic-note")).ToContainTextAsync("川崎区役所");
        await page.Locator("#rooms summary").ClickAsync();
        await Expect(page.Locator("#room-list li").First).ToContainTextAsync("扉を閉めて");
        await page.Locator("#topics button[data-topic='elderly-disability']").ClickAsync();
        var slot = page.Locator("#slots button:not([disabled])").First;
        await slot.ClickAsync();
        await BrowserFixture.AssertAccessibleAsync(page, "book-consultation");
        await page.GetByRole(AriaRole.Button, new() { Name = "この内容で予約する" }).ClickAsync();
        await Expect(page.GetByTestId("booking-code")).ToHaveTextAsync(new Regex("^\\w{4}-\\w{4}$"));
        await Expect(page.Locator("#done-room")).ToHaveTextAsync(new Regex("^相談室：相談室\\d$"));
        var code = (await page.GetByTestId("booking-code").TextContentAsync())!;
        var bookingId = await page.EvaluateAsync<string>("() => window.cqBook.booking.bookingId");
        var date = await page.EvaluateAsync<string>("() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date(window.cqBook.booking.start))");

        // Staff: the branch's day list shows it booked, and the ward section sees its appointment at the branch.
        var staff = await fixture.NewPageAsync(1280, 900);
        await staff.GotoAsync("/bookings");
        await staff.GetByLabel("ユーザー名").FillAsync("admin");
        await staff.GetByLabel("パスワード").FillAsync(BrowserFixture.AdminPassword);
        await staff.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();
        await staff.Locator("#office").SelectOptionAsync(officeId);
        await staff.Locator("#date").FillAsync(date);
        await staff.Locator("#date").DispatchEventAsync("change");
        var row = staff.Locator($"#day tr[data-booking='{bookingId}']");
        await Expect(row).ToContainTextAsync(code);
        await Expect(row.Locator(".status")).ToHaveTextAsync("予約中");
        await staff.Locator("#office").SelectOptionAsync("kawasaki");
        await staff.Locator("#section").SelectOptionAsync("elderly-disability");
        await Expect(staff.Locator("#appointments tbody tr", new() { HasText = code })).ToContainTextAsync("大師支所");
        await BrowserFixture.ScreenshotAsync(staff, "bookings-staff");
        await BrowserFixture.AssertAccessibleAsync(staff, "bookings-staff");
        Assert.Empty(fixture.PageErrors[staff]);

        // Later, on another visit: find it by its code (typed loosely) and cancel it.
        var again = await fixture.NewPageAsync(1024, 900);
        await again.GotoAsync("/book");
        await WaitReadyAsync(again);
        await again.Locator("#manage-office").SelectOptionAsync(officeId);
        await again.GetByLabel("予約番号（8文字）").FillAsync(code.ToLowerInvariant().Replace("-", " "));
        await again.GetByRole(AriaRole.Button, new() { Name = "確認する" }).ClickAsync();
        await Expect(again.GetByTestId("booking-code")).ToHaveTextAsync(code);
        await again.GetByRole(AriaRole.Button, new() { Name = "予約を取り消す" }).ClickAsync();
        await again.GetByRole(AriaRole.Button, new() { Name = "取り消す", Exact = true }).ClickAsync();
        await Expect(again.Locator("#done-status")).ToHaveTextAsync("取り消し済み");
        using var api = fixture.Api(asAdmin: false);
        Assert.Equal("cancelled", (await (await api.GetAsync($"/api/bookings/{bookingId}")).ReadJsonAsync())["status"]!.GetValue<string>());
        // A code that is no booking's: a readable message.
        await again.GotoAsync("/book");
        await WaitReadyAsync(again);
        await again.Locator("#manage-office").SelectOptionAsync(officeId);
        await again.GetByLabel("予約番号（8文字）").FillAsync(code == "AAAA-AAAA" ? "CCCC-CCCC" : "AAAA-AAAA");
        await again.GetByRole(AriaRole.Button, new() { Name = "確認する" }).ClickAsync();
        await Expect(again.Locator("#error")).ToContainTextAsync("見つかりません");
        Assert.Empty(fixture.PageErrors[page]);
        Assert.Empty(fixture.PageErrors[again]);
    }

    [Fact]
    public async Task An_administrator_makes_a_service_bookable_with_its_slots_and_the_booking_page_offers_them()
    {
        var office = await fixture.CreateOfficeAsync(); // service "b" is not bookable yet
        var admin = await fixture.NewAdminPageAsync("/admin");
        await admin.Locator("#slot-office").SelectOptionAsync(office.Id);
        await admin.Locator("#slot-service").SelectOptionAsync("b");
        await Expect(admin.Locator("#slot-bookable")).Not.ToBeCheckedAsync();
        await admin.Locator("#slot-bookable").CheckAsync();
        await admin.GetByLabel("1枠の長さ（分）").FillAsync("20");
        await admin.GetByLabel("1枠の人数").FillAsync("4");
        await admin.GetByLabel("締切（開始の何分前）").FillAsync("0");
        var tomorrow = CounterQueue.Domain.Calendar.Tokyo.DateOf(TimeProvider.System.GetUtcNow()).AddDays(1);
        await admin.Locator("#slot-blocked").FillAsync($"{tomorrow:yyyy-MM-dd}");
        await BrowserFixture.AssertAccessibleAsync(admin, "admin-slots");
        await admin.Locator("#slot-save").ClickAsync();
        await Expect(admin.Locator("#slot-feedback")).ToHaveTextAsync("登録しました");
        // Out of range: the form itself refuses it; a day that is no date gets the server's clear message. Nothing changes.
        await admin.GetByLabel("1枠の長さ（分）").FillAsync("7");
        Assert.False(await admin.Locator("#slot-minutes").EvaluateAsync<bool>("e => e.checkValidity()"));
        await admin.GetByLabel("1枠の長さ（分）").FillAsync("20");
        await admin.Locator("#slot-blocked").FillAsync("2026-13-01");
        await admin.Locator("#slot-save").ClickAsync();
        await Expect(admin.Locator("#slot-error")).ToHaveTextAsync("「2026-13-01」は日付ではありません（例：2026-12-28）");
        await BrowserFixture.ScreenshotAsync(admin, "admin-slots", fullPage: true);

        using var api = fixture.Api(asAdmin: false);
        var slots = (await (await api.GetAsync($"/api/offices/{office.Id}/services/b/slots")).ReadJsonAsync()).AsArray();
        Assert.Equal(24 * 3, slots.Count); // open all day, 20-minute slots
        Assert.All(slots, s => Assert.Equal(4, s!["capacity"]!.GetValue<int>()));
        Assert.Empty((await (await api.GetAsync($"/api/offices/{office.Id}/services/b/slots?date={tomorrow:yyyy-MM-dd}")).ReadJsonAsync()).AsArray());
        Assert.Empty(fixture.PageErrors[admin]);
    }
}

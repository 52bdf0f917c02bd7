using System.Net;
using System.Text;
using CounterQueue.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>
/// The public congestion page and its widget, and the staff console's processing desk and ticket journey, in the real
/// browser against the real app.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HistoryPageTests(BrowserFixture fixture) : IBrowserTest
{
    public BrowserFixture Fixture => fixture;

    [Fact]
    public async Task The_congestion_page_shows_todays_line_and_an_hourly_forecast_in_five_languages()
    {
        var office = await fixture.CreateOfficeAsync();
        await fixture.OpenCounterAsync(office.Id, "c1", "a");
        await fixture.IssueAsync(office.Id, "a");
        await fixture.IssueAsync(office.Id, "a");

        var page = await fixture.NewPageAsync(390, 844, mobile: true);
        await page.GotoAsync($"/congestion/{office.Id}");
        var serviceA = page.Locator("#now tr[data-service='a']");
        await Expect(serviceA).ToContainTextAsync("手続きA");
        await Expect(serviceA.Locator("td.num").First).ToHaveTextAsync("2人");
        await Expect(serviceA.Locator("td.num").Nth(1)).ToContainTextAsync("分");
        await Expect(page.Locator("#closed-note")).ToBeHiddenAsync();

        // The forecast: a bar per opening hour of the chosen day, each with its minutes written on it (no colour needed),
        // the quietest hours named, and the same figures as a table. This office is new, so the page says it is a guide.
        await Expect(page.Locator("#days button[aria-pressed='true']")).ToHaveCountAsync(1);
        var bars = page.Locator("#chart svg rect.bar");
        Assert.True(await bars.CountAsync() >= 1);
        Assert.Equal(await bars.CountAsync(), await page.Locator("#chart svg text.value").CountAsync());
        Assert.Equal(await bars.CountAsync(), await page.Locator("#hours tr").CountAsync());
        await Expect(page.Locator("#quiet")).ToContainTextAsync("空いている時間帯");
        await Expect(page.Locator("#basis")).ToContainTextAsync("一般的な傾向");
        Assert.Contains("手続きA", await page.Locator("#chart svg").GetAttributeAsync("aria-label"));
        await BrowserFixture.AssertOwnJapaneseFontAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page, "congestion");
        await BrowserFixture.AssertTouchTargetsAsync(page, "congestion");
        await BrowserFixture.ScreenshotAsync(page, "congestion-phone", fullPage: true);

        // Another day and another service: the chart follows.
        await page.Locator("#days button:not([disabled])").Nth(1).ClickAsync();
        await Expect(page.Locator("#days button[aria-pressed='true']")).Not.ToContainTextAsync("今日");
        await page.Locator("#service").SelectOptionAsync("b");
        await Expect(page.Locator("#chart svg")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("手続きB"));

        foreach (var (language, heading) in new[] { ("English", "Waiting now"), ("中文", "当前等候情况"), ("한국어", "현재 대기 상황"), ("Tiếng Việt", "Hiện đang chờ") })
        {
            await page.Locator($"#languages button:text-is('{language}')").ClickAsync();
            await Expect(page.Locator("#now-heading")).ToContainTextAsync(heading);
        }
        await Expect(serviceA.Locator("td.num").First).ToHaveTextAsync("2 người");
        foreach (var language in new[] { "English", "Tiếng Việt" }) // the longest texts: still no sideways scrolling on a phone
        {
            await page.Locator($"#languages button:text-is('{language}')").ClickAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"the page scrolls sideways in {language}");
        }
        Assert.Empty(fixture.PageErrors[page]);
    }

    [Fact]
    public async Task The_widget_shows_the_line_now_links_to_the_forecast_and_may_be_framed_by_another_site()
    {
        var office = await fixture.CreateOfficeAsync();
        await fixture.OpenCounterAsync(office.Id, "c1", "a");
        await fixture.IssueAsync(office.Id, "a");
        using var http = fixture.Api(asAdmin: false);
        var response = await http.GetAsync($"/congestion/{office.Id}/widget");
        Assert.Contains("frame-ancestors *", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("frame-ancestors 'self'", (await http.GetAsync($"/congestion/{office.Id}")).Headers.GetValues("Content-Security-Policy").Single());

        // The city's page, on another origin (another port of this machine: Chromium refuses a public site framing a loopback
        // address, so the city is played by a small server here), frames the widget.
        using var city = new System.Net.HttpListener();
        var cityAddress = $"http://127.0.0.1:{FreePort.Next()}/";
        city.Prefixes.Add(cityAddress);
        city.Start();
        var html = Encoding.UTF8.GetBytes($"<!doctype html><html lang='en'><title>City</title><h1>City of Kawasaki</h1>" +
            $"<iframe title='混雑状況' src='{fixture.BaseAddress}congestion/{office.Id}/widget?lang=ja' width='360' height='420'></iframe></html>");
        var serving = Task.Run(async () =>
        {
            var context = await city.GetContextAsync();
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.OutputStream.WriteAsync(html);
            context.Response.Close();
        });
        var page = await fixture.NewPageAsync(800, 600);
        await page.GotoAsync(cityAddress);
        await serving;
        var frame = page.FrameLocator("iframe");
        await Expect(frame.Locator("#now tr[data-service='a'] td.num").First).ToHaveTextAsync("1人");
        await Expect(frame.Locator("a.more")).ToHaveAttributeAsync("href", $"/congestion/{office.Id}");
        await Expect(frame.Locator(".forecast")).ToBeHiddenAsync();
        await BrowserFixture.ScreenshotAsync(page, "congestion-widget-framed");
    }

    [Fact]
    public async Task An_administrator_reads_a_days_report_with_its_chart_and_downloads_it_as_csv()
    {
        var office = await fixture.CreateOfficeAsync();
        await fixture.OpenCounterAsync(office.Id, "c1", "a");
        var ticket = await fixture.IssueAsync(office.Id, "a");
        await fixture.IssueAsync(office.Id, "a");
        await fixture.CallNextAsync(office.Id, "c1");
        await fixture.CounterActionAsync(office.Id, "c1", "complete");
        // The day the history recorded them (the app runs on the machine's clock): the ticket's own issue time.
        var day = CounterQueue.Domain.Calendar.Tokyo.DateOf(ticket["issuedAt"]!.GetValue<DateTimeOffset>()).ToString("yyyy-MM-dd");

        var page = await fixture.NewAdminPageAsync("/admin");
        await page.Locator("#report-office").SelectOptionAsync(office.Id);
        await page.Locator("#report-from").FillAsync(day);
        await page.Locator("#report-to").FillAsync(day);
        await page.Locator("#report-show").ClickAsync();
        var row = page.Locator("#report tr[data-scope='service'][data-id='a']");
        await Expect(row).ToContainTextAsync("手続きA");
        await Expect(row.Locator("td").Nth(0)).ToHaveTextAsync("2"); // issued
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("1"); // served
        await Expect(page.Locator("#report tr[data-scope='office'] td").Nth(0)).ToHaveTextAsync("2");
        await Expect(page.Locator("#report-chart svg rect")).Not.ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page, "admin-reports");
        await BrowserFixture.ScreenshotAsync(page, "admin-reports", fullPage: true);

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#report-csv").ClickAsync());
        Assert.Equal($"report-{office.Id}-{day}.csv", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("期間開始,期間終了,区分,ID,名称,発券数,対応数", lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"\"{day}\",\"{day}\",\"業務\",\"a\",\"手続きA\",2,1,", StringComparison.Ordinal));
        Assert.Empty(fixture.PageErrors[page]);
    }

    /// <summary>The staff console, signed in as the admin, on <paramref name="officeId"/>.</summary>
    private async Task<IPage> OpenStaffDeskAsync(string officeId)
    {
        var page = await fixture.NewAdminPageAsync("/staff", 1400, 1000);
        await page.Locator("#office").SelectOptionAsync(officeId);
        return page;
    }

    [Fact]
    public async Task Staff_mark_papers_ready_on_the_processing_desk_and_read_a_tickets_journey()
    {
        var office = await fixture.CreateOfficeAsync();
        await fixture.OpenCounterAsync(office.Id, "mr", "m");
        var ticket = await fixture.IssueAsync(office.Id, "m");
        var number = ticket["number"]!.GetValue<string>();
        await fixture.CallNextAsync(office.Id, "mr");
        await fixture.CounterActionAsync(office.Id, "mr", "complete"); // on to processing (審査)

        var page = await OpenStaffDeskAsync(office.Id);
        var row = page.Locator($"#desk tr[data-number='{number}']");
        await Expect(row).ToHaveAttributeAsync("data-stage", "processing");
        await Expect(row).ToContainTextAsync("審査中");
        await row.Locator("button").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-stage", "ready");
        await Expect(page.Locator("#feedback")).ToContainTextAsync(number);

        using var visitor = fixture.Api(asAdmin: false);
        var board = await (await visitor.GetAsync($"/api/offices/{office.Id}/pickup")).ReadJsonAsync();
        Assert.Equal([number], board.AsArray().Select(p => p!["number"]!.GetValue<string>()));

        await page.Locator("#journey-number").FillAsync(number);
        await page.Locator("#journey-go").ClickAsync();
        await Expect(page.Locator("#journey tbody tr")).ToHaveCountAsync(4);
        Assert.Equal(["issued", "called", "sentToProcessing", "ready"],
            await page.Locator("#journey tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.kind)"));
        await Expect(page.Locator("#journey tbody tr").Nth(1)).ToContainTextAsync("呼出");
        await Expect(page.Locator("#journey tbody tr").Nth(1)).ToContainTextAsync("admin");
        await Expect(page.Locator("#journey-summary")).ToContainTextAsync($"{number}: 手続き中");
        await BrowserFixture.AssertAccessibleAsync(page, "staff-desk-journey");
        await BrowserFixture.ScreenshotAsync(page, "staff-desk-journey", fullPage: true);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("/congestion")).StatusCode);
        Assert.Empty(fixture.PageErrors[page]);
    }

    [Fact]
    public async Task Processing_desk_shows_its_latest_read_when_an_older_one_answers_after_it()
    {
        var office = await fixture.CreateOfficeAsync();
        await fixture.OpenCounterAsync(office.Id, "mr", "m");
        var first = await fixture.IssueAsync(office.Id, "m");
        var second = await fixture.IssueAsync(office.Id, "m");
        foreach (var _ in new[] { first, second })
        {
            await fixture.CallNextAsync(office.Id, "mr");
            await fixture.CounterActionAsync(office.Id, "mr", "complete"); // on to processing (審査)
        }
        var number = first["number"]!.GetValue<string>();

        var page = await OpenStaffDeskAsync(office.Id);
        var row = page.Locator($"#desk tr[data-number='{number}']");
        await Expect(row).ToHaveAttributeAsync("data-stage", "processing");

        // Another member of staff marks the second ticket's papers ready: the desk reads itself again, and that read's
        // answer (the first ticket still processing) is held on the wire while this desk marks the first one ready.
        var held = await HeldAnswer.OnAsync(page, $"**/api/offices/{office.Id}/processing");
        using var staff = fixture.Api();
        Assert.Equal(HttpStatusCode.OK, (await staff.PostJsonAsync($"/api/tickets/{second["ticketId"]!.GetValue<string>()}/ready", new { })).StatusCode);
        await held.ReadAsync();
        await row.Locator("button").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-stage", "ready");

        await held.ReleaseAsync(page);
        Assert.Equal("ready", await row.GetAttributeAsync("data-stage"));
        Assert.Empty(fixture.PageErrors[page]);
    }
}

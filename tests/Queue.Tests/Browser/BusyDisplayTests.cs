using System.Net;
using System.Net.Http.Json;
using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using CounterQueue.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>A busy office on one TV: every open counter and every service fits on the screen, nothing cut off.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BusyDisplayTests(BrowserFixture fixture) : IBrowserTest
{
    public BrowserFixture Fixture => fixture;

    [Fact]
    public async Task A_whole_office_with_sixteen_counters_and_fifteen_services_fits_on_a_1080p_screen()
    {
        var id = $"busy-{Guid.NewGuid():N}"[..20];
        var letters = "ABCDEFGHJKLMNPQ";
        var office = new OfficeDefinition
        {
            Id = id, Kind = OfficeKind.Ward, Name = new LocalizedText("混雑テスト区役所", "Busy Ward Office"),
            Hours = TestOffices.AlwaysOpen,
            Sections = [new SectionDefinition("main", new LocalizedText("窓口", "Counters"), "1F")],
            Services = letters.Select((letter, i) => new ServiceDefinition
            {
                Id = $"s{i}", SectionId = "main", TicketPrefix = letter.ToString(),
                Name = new LocalizedText($"とても長い名前の手続きその{i + 1}（証明書の交付）", $"A procedure with a long name, number {i + 1}"),
            }).ToList(),
            Counters = Enumerable.Range(0, 16).Select(i => new CounterDefinition
            {
                Id = $"c{i}", Label = new LocalizedText($"{i + 1}番窓口", $"Counter {i + 1}"), Floor = "1F", ServiceIds = [$"s{i % letters.Length}"],
            }).ToList(),
        };
        using var admin = fixture.Api();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/api/admin/offices/{id}", office, ApiJson.Options)).StatusCode);
        for (var i = 0; i < 16; i++) await fixture.OpenCounterAsync(id, $"c{i}");
        for (var i = 0; i < letters.Length; i++)
        {
            await fixture.IssueAsync(id, $"s{i}");
            await fixture.IssueAsync(id, $"s{i}");
            await fixture.IssueAsync(id, $"s{i}");
        }
        for (var i = 0; i < 16; i++) await fixture.CallNextAsync(id, $"c{i}");

        // A notice along the bottom (as on a ward office's TV in the temporary-counter season) leaves less room.
        using (var scheduled = await admin.PostJsonAsync($"/api/offices/{id}/temporary-counters", new
        {
            procedureId = "care-cost-ceiling", sessions = new[] { (await Poll.RealSessionAsync(TimeSpan.Zero, TimeSpan.FromMinutes(10))).Body },
        }))
            Assert.Equal(HttpStatusCode.Created, scheduled.StatusCode);

        var page = await fixture.NewPageAsync(1920, 1080);
        await page.GotoAsync($"/display/{id}");
        await Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#counters tr[data-counter]")).ToHaveCountAsync(17); // 16 and the temporary counter
        await Expect(page.Locator("#notices li")).Not.ToHaveCountAsync(0, new() { Timeout = 15_000 });
        var shown = await page.Locator("#services tr[data-service]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.service)");
        Assert.Equal(letters.Select((_, i) => $"s{i}").Append("care-cost-ceiling").Order(), shown.Order()); // with the temporary one
        const string Overflowing = """
            () => [...document.querySelectorAll('.now, .counters, .services, .top')]
              .filter(p => p.scrollHeight > p.clientHeight + 1 || p.scrollWidth > p.clientWidth + 1)
              .map(p => `${p.className}: ${p.scrollWidth}x${p.scrollHeight} in ${p.clientWidth}x${p.clientHeight}`)
            """;
        await page.EvaluateAsync("() => document.fonts.ready");
        await BrowserFixture.ScreenshotAsync(page, "display-busy-office");
        try
        {
            await page.WaitForFunctionAsync($"() => ({Overflowing})().length === 0", null, new() { Timeout = 5000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"cut off on the TV: {string.Join("; ", await page.EvaluateAsync<string[]>(Overflowing))} " +
                await page.EvaluateAsync<string>("() => [...document.querySelectorAll('.counters, .services')].map(p => p.className + ' font ' + p.style.fontSize).join(', ')"));
        }
        // Still readable across the lobby: the called numbers stay at least 24 px (the current call itself is far larger).
        var smallest = await page.EvaluateAsync<double>("() => Math.min(...[...document.querySelectorAll('#counters td:nth-child(2)')].map(td => parseFloat(getComputedStyle(td).fontSize)))");
        Assert.True(smallest >= 24, $"called numbers shrank to {smallest}px");
        await BrowserFixture.AssertAccessibleAsync(page, "display-busy");
        Assert.Empty(fixture.PageErrors[page]);
    }
}

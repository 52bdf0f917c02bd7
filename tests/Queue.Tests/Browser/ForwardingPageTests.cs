using System.Text.RegularExpressions;
using CounterQueue.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CounterQueue.Tests.Browser;

/// <summary>書類回送 in the real browser: the branch accepts and sends, the section scans the receipt's QR code, the branch completes.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ForwardingPageTests(BrowserFixture fixture) : IBrowserTest
{
    public BrowserFixture Fixture => fixture;

    private static async Task SignInAsync(IPage page, string username)
    {
        await page.Locator("#username").FillAsync(username);
        await page.Locator("#password").FillAsync("correct horse");
        await page.Locator("#login button[type=submit]").ClickAsync();
        await Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_branch_accepts_and_sends_a_paper_the_section_scans_it_received_and_the_branch_completes_it()
    {
        var branchUser = await fixture.CreateUserAsync("staff", "tajima");
        var sectionUser = await fixture.CreateUserAsync("staff", "kawasaki", "elderly-disability");
        var branch = await fixture.NewPageAsync(1280, 1000);
        await branch.GotoAsync("/forwarding");
        await SignInAsync(branch, branchUser);
        await branch.Locator("#type").SelectOptionAsync("ryoiku-techo");
        await branch.Locator("#accept-button").ClickAsync();
        var serial = branch.GetByTestId("receipt-serial");
        await Expect(serial).ToHaveTextAsync(new Regex(@"^療育手帳交付申請 20\d\d-\d{4}$"));
        await BrowserFixture.AssertAccessibleAsync(branch, "forwarding-branch");
        // The A4 receipt prints on A4 (its page size was an inline style the pages' policy refused).
        await branch.EvaluateAsync("() => { window.printed = 0; window.print = () => { window.printed++; }; }");
        await branch.Locator("#print-a4").ClickAsync();
        await branch.WaitForFunctionAsync("() => window.printed === 1");
        var a4 = await BrowserFixture.PrintedPageSizeAsync(branch);
        Assert.Equal((595, 842), ((int)Math.Round(a4.Width), (int)Math.Round(a4.Height)));
        var itemId = await branch.Locator("#r-qr img").GetAttributeAsync("data-id");
        var row = branch.Locator($"#ledger tr[data-item='{itemId}']");
        await Expect(row).ToHaveAttributeAsync("data-status", "accepted");
        await row.Locator("input[type=checkbox]").CheckAsync();
        await branch.Locator("#dispatch").ClickAsync();
        await Expect(branch.GetByTestId("fw-feedback")).ToHaveTextAsync("1件を庁内便で送りました");
        await Expect(row).ToHaveAttributeAsync("data-status", "dispatched");
        await BrowserFixture.ScreenshotAsync(branch, "forwarding-branch", fullPage: true);

        // The section, its camera showing the receipt's QR code.
        var video = Path.Combine(fixture.DataDirectory, $"receipt-{Guid.NewGuid():N}.y4m");
        await FakeCamera.WriteY4mAsync(branch, "#r-qr img", video);
        using var playwright = await Playwright.CreateAsync();
        await using var camera = await FakeCamera.LaunchAsync(playwright, video);
        var (section, errors) = await FakeCamera.OpenAsync(camera, fixture.BaseAddress, "/forwarding", 1280, 1000);
        await SignInAsync(section, sectionUser);
        await Expect(section.Locator("#accept")).ToBeHiddenAsync(); // a section does not accept papers
        await section.Locator("#scan").ClickAsync();
        await Expect(section.GetByTestId("fw-feedback")).ToContainTextAsync("を受け取りました");
        await Expect(section.Locator($"#ledger tr[data-item='{itemId}']")).ToHaveAttributeAsync("data-status", "received");
        await BrowserFixture.ScreenshotAsync(section, "forwarding-section", fullPage: true);
        Assert.Empty(errors);

        // Back at the branch: complete it.
        await branch.ReloadAsync();
        await Expect(branch.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        await row.GetByRole(AriaRole.Button, new() { Name = "完了にする" }).ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-status", "completed");
        await Expect(row.Locator(".steps")).ToContainTextAsync(sectionUser);

        // A second paper, received by typing the serial printed on its receipt.
        await branch.Locator("#type").SelectOptionAsync("care-certification");
        await branch.Locator("#accept-button").ClickAsync();
        var secondId = await branch.Locator("#r-qr img").GetAttributeAsync("data-id");
        Assert.NotEqual(itemId, secondId);
        var printed = (await serial.TextContentAsync())!.Split(' ').Last(); // e.g. 2026-0003
        var second = branch.Locator($"#ledger tr[data-item='{secondId}']");
        await second.Locator("input[type=checkbox]").CheckAsync();
        await branch.Locator("#dispatch").ClickAsync();
        await Expect(second).ToHaveAttributeAsync("data-status", "dispatched");
        await section.ReloadAsync();
        await Expect(section.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        await section.GetByLabel("書類の番号（例：2026-0007）またはQRの内容").FillAsync(printed);
        await section.Locator("#receive-form button[type=submit]").ClickAsync();
        await Expect(section.Locator($"#ledger tr[data-item='{secondId}']")).ToHaveAttributeAsync("data-status", "received");
        Assert.Empty(fixture.PageErrors[branch]);
    }
}

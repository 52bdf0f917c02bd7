using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CounterQueue.Tests.Support;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CounterQueue.Tests.Browser;

/// <summary>
/// The real app as its own process (demo offices, fresh data folder) and Debian's Chromium driven by
/// Playwright. Playwright never downloads a browser here: it launches /usr/bin/chromium.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string AdminPassword = "browser-test-password";
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly TempDirectory _data = new("browser");
    private IPlaywright? _playwright;
    private readonly List<IBrowserContext> _contexts = [];

    public AppProcess App { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string AdminToken { get; private set; } = "";
    public Uri BaseAddress => App.BaseAddress;
    public string DataDirectory => _data.Path;

    /// <summary>Where screenshots go: next to the test results (test.sh sets QUEUE_TEST_ARTIFACTS), kept as CI artifacts.</summary>
    public static string ArtifactsDirectory
    {
        get
        {
            var directory = Environment.GetEnvironmentVariable("QUEUE_TEST_ARTIFACTS") is { Length: > 0 } configured
                ? configured
                : Path.Combine(AppContext.BaseDirectory, "artifacts");
            Directory.CreateDirectory(directory);
            return directory;
        }
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run deploy/install-test-deps.sh (apt packages chromium and fonts-noto-cjk).");
        // Like actions (15 s below), assertions wait up to 15 s: the 2-core machine runs the browser, the app and the
        // tests at once, and a page that loads a whole office took more than Playwright's default 5 s in one CI run.
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);
        App = await AppProcess.StartAsync(_data.Path, AdminPassword);
        using (var client = App.CreateClient()) AdminToken = await AppFixture.TokenAsync(client, "admin", AdminPassword);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                // This machine's network is closed: no background calls to Google.
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // A lobby TV runs its browser like this, so announcements play without a touch.
                "--autoplay-policy=no-user-gesture-required",
            ],
        });
    }

    /// <summary>Restarts the app on the same port and data folder (a web process restart).</summary>
    public async Task RestartAppAsync(Func<Task>? whileDown = null)
    {
        var port = App.Port;
        await App.KillAsync();
        await App.DisposeAsync();
        if (whileDown is not null) await whileDown();
        App = await AppProcess.StartAsync(_data.Path, AdminPassword, port);
    }

    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, bool mobile = false, string locale = "ja-JP")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = mobile,
            HasTouch = mobile,
            Locale = locale,
            TimezoneId = "Asia/Tokyo",
        });
        lock (_contexts) _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var errors = new List<string>();
        page.PageError += (_, error) => { lock (errors) errors.Add(error); };
        // What the pages' Content-Security-Policy refused (an inline style, a script from elsewhere) fails the test too: the
        // browser only logs it, and the refused part silently does nothing (a floor guide printed at the wrong size).
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                lock (errors) errors.Add("refused by the page's policy: " + message.Text);
        };
        PageErrors[page] = errors;
        return page;
    }

    /// <summary>A new page on a staff page (the console, administration) at <paramref name="path"/>, signed in as the admin and ready.</summary>
    public async Task<IPage> NewAdminPageAsync(string path, int width = 1280, int height = 1000)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync(path);
        await page.Locator("#username").FillAsync("admin");
        await page.Locator("#password").FillAsync(AdminPassword);
        await page.Locator("#login-button").ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        return page;
    }

    /// <summary>
    /// Closes every page the finished test opened (each in its own context), so pages and their connections to the app
    /// (SignalR, polling) do not pile up in the one browser over the run. A page that will not close in time is left to the
    /// browser's own end: the test's outcome is already decided.
    /// </summary>
    public async Task CloseTestPagesAsync()
    {
        IBrowserContext[] contexts;
        lock (_contexts)
        {
            contexts = [.. _contexts];
            _contexts.Clear();
        }
        foreach (var context in contexts)
        {
            foreach (var page in context.Pages) PageErrors.Remove(page);
            try { await context.CloseAsync().WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (Exception e) when (e is PlaywrightException or TimeoutException) { }
        }
    }

    /// <summary>Uncaught script errors, and what the page's policy refused, per page: a test fails if its page had any.</summary>
    public Dictionary<IPage, List<string>> PageErrors { get; } = [];

    /// <summary>A new user with one role (bound to an office and section if given), password "correct horse"; returns the name.</summary>
    public async Task<string> CreateUserAsync(string role, string? officeId = null, string? sectionId = null)
    {
        var username = $"{role}-{Guid.NewGuid():N}"[..20];
        using var admin = Api();
        Assert.Equal(System.Net.HttpStatusCode.Created,
            (await admin.PostAsJsonAsync("/api/admin/users", new { username, password = "correct horse", roles = new[] { role }, officeId, sectionId })).StatusCode);
        return username;
    }

    public HttpClient Api(bool asAdmin = true)
    {
        var client = App.CreateClient();
        if (asAdmin) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>Opens a counter for the given services only (tests share the app: each keeps to its own lines).</summary>
    /// <summary>A fresh office of this test's own (see <see cref="TestOffices"/>), so no other test's tickets show on its pages.</summary>
    public async Task<CounterQueue.Domain.Offices.OfficeDefinition> CreateOfficeAsync()
    {
        var office = TestOffices.Create();
        using var admin = Api();
        var response = await admin.PutAsJsonAsync($"/api/admin/offices/{office.Id}", office, ApiJson.Options);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return office;
    }

    /// <summary>
    /// A copy of a demo office (its sections, floors, counters, hours, names) under a new id, for one test alone:
    /// the pages look as they do for the real office, and no other test's tickets or counters show on them.
    /// </summary>
    public async Task<string> CopyOfficeAsync(string demoOfficeId)
    {
        using var admin = Api();
        var definition = (await (await admin.GetAsync($"/api/admin/offices/{demoOfficeId}")).ReadJsonAsync()).AsObject();
        var id = $"{demoOfficeId}-{Guid.NewGuid():N}"[..(demoOfficeId.Length + 9)];
        definition["id"] = id;
        var response = await admin.PutAsync($"/api/admin/offices/{id}",
            new StringContent(definition.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    public async Task<JsonNode> OpenCounterAsync(string officeId, string counterId, params string[] serviceIds)
    {
        using var admin = Api();
        var response = await admin.PostJsonAsync($"/api/offices/{officeId}/counters/{counterId}/open", new { serviceIds });
        return await response.ReadJsonAsync();
    }

    public async Task<JsonNode> IssueAsync(string officeId, string serviceId, string priority = "normal")
    {
        using var visitor = Api(asAdmin: false);
        var response = await visitor.PostJsonAsync($"/api/offices/{officeId}/tickets", new { serviceId, priority });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public async Task<JsonNode?> CallNextAsync(string officeId, string counterId)
    {
        using var admin = Api();
        var response = await admin.PostAsync($"/api/offices/{officeId}/counters/{counterId}/call-next", null);
        return response.StatusCode == System.Net.HttpStatusCode.NoContent ? null : (await response.ReadJsonAsync())["ticket"];
    }

    public async Task<JsonNode> CounterActionAsync(string officeId, string counterId, string action)
    {
        using var admin = Api();
        var response = await admin.PostAsync($"/api/offices/{officeId}/counters/{counterId}/{action}", null);
        return await response.ReadJsonAsync();
    }

    /// <summary>The size of the page as the page prints it (its CSS <c>@page</c> size), in points, read from a PDF of it.</summary>
    public static async Task<(double Width, double Height)> PrintedPageSizeAsync(IPage page)
    {
        var pdf = System.Text.Encoding.Latin1.GetString(await page.PdfAsync(new PagePdfOptions { PreferCSSPageSize = true }));
        var box = System.Text.RegularExpressions.Regex.Match(pdf, @"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]");
        Assert.True(box.Success, "no page size in the PDF");
        return (double.Parse(box.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(box.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = false) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, $"{name}.png"), FullPage = fullPage });

    /// <summary>axe-core inside the page: no serious or critical violation (contrast, names, roles, labels …).</summary>
    public static async Task AssertAccessibleAsync(IPage page, string name)
    {
        var result = await RunAxeAsync(page);
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        var report = string.Join("\n", bad.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target?.ToString() ?? "") + " " + n.Html))}"));
        await File.WriteAllTextAsync(Path.Combine(ArtifactsDirectory, $"{name}.axe.txt"),
            $"violations: {result.Violations.Length}, passes: {result.Passes.Length}\n" +
            string.Join("\n", result.Violations.Select(v => $"{v.Impact} {v.Id}: {v.Help} ({v.Nodes.Length})")));
        Assert.True(bad.Count == 0, $"axe found serious or critical problems on {name}:\n{report}");
        Assert.True(result.Passes.Length > 10, "axe did not really run");
    }

    /// <summary>
    /// axe runs as a script in the page, and Playwright waits for a script without a time limit. In one full CI run the
    /// booking page's test stalled for 9 min 50 s before its first check had written its findings (the likeliest place: the
    /// other steps there have limits), just under the suite's hang limit, which would have stopped every test. Bounded, and
    /// run once more if it stalls; its findings are judged the same either way.
    /// </summary>
    private static async Task<AxeResult> RunAxeAsync(IPage page)
    {
        try
        {
            return await page.RunAxe().WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException)
        {
            return await page.RunAxe().WaitAsync(TimeSpan.FromSeconds(90));
        }
    }

    /// <summary>Every button and link a visitor can touch is at least 44 × 44 CSS pixels.</summary>
    public static async Task AssertTouchTargetsAsync(IPage page, string name)
    {
        var small = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('button, a[href], select, input')]
              .filter(e => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
              .map(e => ({ e, r: e.getBoundingClientRect() }))
              .filter(({ r }) => r.width < 44 || r.height < 44)
              .map(({ e, r }) => `${e.tagName}#${e.id}.${e.className} ${Math.round(r.width)}x${Math.round(r.height)}`)
            """);
        Assert.True(small.Length == 0, $"touch targets under 44 px on {name}: {string.Join(", ", small)}");
    }

    /// <summary>The page drew its Japanese text with the font it serves itself (not a fallback, not boxes).</summary>
    public static async Task AssertOwnJapaneseFontAsync(IPage page)
    {
        await page.EvaluateAsync("() => document.fonts.ready");
        var loaded = await page.EvaluateAsync<bool>("""
            () => [...document.fonts].some(f => f.family.replace(/"/g, '') === 'Noto Sans JP' && f.status === 'loaded')
            """);
        Assert.True(loaded, "the page's own Noto Sans JP was not loaded");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (App is not null) await App.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>A browser test: the pages it opened are closed when it ends.</summary>
public interface IBrowserTest : IAsyncLifetime
{
    BrowserFixture Fixture { get; }
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;
    Task IAsyncLifetime.DisposeAsync() => Fixture.CloseTestPagesAsync();
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

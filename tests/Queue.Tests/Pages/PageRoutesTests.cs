using System.Net;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Pages;

/// <summary>The pages and their assets over HTTP: served by the app itself, locked to its own origin.</summary>
[Collection(AppCollection.Name)]
public sealed class PageRoutesTests(AppFixture app)
{
    [Theory]
    [InlineData("/", "CounterQueue")]
    [InlineData("/display/kawasaki?floor=1F", "display.js")]
    [InlineData("/kiosk/kawasaki", "kiosk.js")]
    [InlineData("/t/some-ticket", "phone.js")]
    [InlineData("/staff", "staff.js")]
    [InlineData("/congestion/kawasaki", "congestion.js")]
    [InlineData("/congestion/kawasaki/widget", "congestion.js")]
    public async Task Pages_are_html_that_may_load_only_from_this_origin(string url, string expected)
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
    }

    [Theory]
    [InlineData("/assets/lib/signalr/signalr.min.js", "text/javascript")]
    [InlineData("/assets/lib/qrcode/qrcode.mjs", "text/javascript")]
    [InlineData("/assets/lib/noto-sans-jp/400.css", "text/css")]
    [InlineData("/assets/lib/noto-sans-jp/files/noto-sans-jp-japanese-400-normal.woff2", "font/woff2")]
    [InlineData("/assets/i18n/vi.json", "application/json")]
    [InlineData("/assets/favicon.svg", "image/svg+xml")]
    public async Task Assets_are_served_from_the_app(string url, string type)
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Each page names the app's icon (a browser asked for /favicon.ico and logged a 404 on every page), and a bare
    /// /favicon.ico leads to it.</summary>
    [Fact]
    public async Task Every_page_names_the_icon_and_favicon_ico_leads_to_it()
    {
        var pages = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "display"), "*.html");
        Assert.True(pages.Length >= 14, $"only {pages.Length} pages found");
        foreach (var page in pages)
            Assert.Contains("<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">", await File.ReadAllTextAsync(page));

        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/assets/favicon.svg", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/assets/nothing-here.js")]
    [InlineData("/assets/../appsettings.json")]
    [InlineData("/assets/%2e%2e/CounterQueue.Web.dll")]
    public async Task Nothing_outside_the_assets_is_served(string url)
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

using Microsoft.Playwright;

namespace CounterQueue.Tests.Browser;

/// <summary>
/// Chromium's fake camera for pages that read QR codes: a Y4M video of one frame holding an image from a page, and a
/// browser that plays it as its camera (<c>--use-file-for-fake-video-capture</c>), never asking for permission.
/// </summary>
public static class FakeCamera
{
    /// <summary>Writes the image at <paramref name="selector"/> in the middle of a white 640 × 480 frame, as Y4M.</summary>
    public static async Task WriteY4mAsync(IPage page, string selector, string path)
    {
        const int width = 640, height = 480;
        var luma = await page.EvaluateAsync<string>("""
            ([selector, width, height]) => {
              const img = document.querySelector(selector);
              const canvas = document.createElement('canvas');
              canvas.width = width; canvas.height = height;
              const ctx = canvas.getContext('2d');
              ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, width, height);
              const size = 360;
              ctx.imageSmoothingEnabled = false;
              ctx.drawImage(img, (width - size) / 2, (height - size) / 2, size, size);
              const data = ctx.getImageData(0, 0, width, height).data;
              const y = new Uint8Array(width * height);
              for (let i = 0; i < y.length; i++) y[i] = Math.round(0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2]);
              let text = '';
              for (let i = 0; i < y.length; i += 8192) text += String.fromCharCode(...y.subarray(i, i + 8192));
              return btoa(text);
            }
            """, new object[] { selector, width, height });
        var y = Convert.FromBase64String(luma);
        var chroma = Enumerable.Repeat((byte)128, width / 2 * height / 2).ToArray();
        await using var file = File.Create(path);
        await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"YUV4MPEG2 W{width} H{height} F5:1 Ip A1:1 C420jpeg\n"));
        for (var frame = 0; frame < 2; frame++)
        {
            await file.WriteAsync("FRAME\n"u8.ToArray());
            await file.WriteAsync(y);
            await file.WriteAsync(chroma);
            await file.WriteAsync(chroma);
        }
    }

    /// <summary>A headless Chromium whose camera shows <paramref name="video"/>.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, string video) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-video-capture={video}",
            ],
        });

    /// <summary>A page of <paramref name="browser"/> on the app, allowed the camera; its script errors are collected.</summary>
    public static async Task<(IPage Page, List<string> Errors)> OpenAsync(IBrowser browser, Uri baseAddress, string path, int width, int height, string locale = "ja-JP")
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = locale,
            TimezoneId = "Asia/Tokyo", Permissions = ["camera"],
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var errors = new List<string>();
        page.PageError += (_, e) => { lock (errors) errors.Add(e); };
        await page.GotoAsync(path);
        return (page, errors);
    }
}

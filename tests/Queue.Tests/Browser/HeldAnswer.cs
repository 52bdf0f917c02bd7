using Microsoft.Playwright;

namespace CounterQueue.Tests.Browser;

/// <summary>
/// One answer held on the wire: the page's request to <c>url</c> (the <c>which</c>-th, counting from 1) reaches the server
/// at once, but its answer reaches the page only when the test releases it — so a test can make an older answer arrive
/// after newer events, as a slow network does. Other requests to the same address pass untouched.
/// </summary>
internal sealed class HeldAnswer
{
    private readonly TaskCompletionSource _read = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _delivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _seen;

    private HeldAnswer() { }

    public static async Task<HeldAnswer> OnAsync(IPage page, string url, int which = 1)
    {
        var held = new HeldAnswer();
        await page.RouteAsync(url, async route =>
        {
            if (Interlocked.Increment(ref held._seen) != which)
            {
                await route.ContinueAsync();
                return;
            }
            var answer = await route.FetchAsync();
            held._read.TrySetResult();
            await held._release.Task;
            await route.FulfillAsync(new() { Response = answer });
            held._delivered.TrySetResult();
        });
        return held;
    }

    /// <summary>The server has answered the held request (what the page will get was read now).</summary>
    public Task ReadAsync() => _read.Task.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Lets the answer through, and waits until the page has had a moment to act on it.</summary>
    public async Task ReleaseAsync(IPage page)
    {
        _release.TrySetResult();
        await _delivered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await page.WaitForTimeoutAsync(500); // the late answer has reached the page's code
    }
}

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CounterQueue.Domain.Offices;

namespace CounterQueue.Benchmarks;

/// <summary>
/// The real web app as its own process (Release build, embedded store, fresh data folder), with an office of the
/// benchmark's defined and, if asked, its counters open; clients for visitors and for the admin.
/// </summary>
internal sealed class RunningApp : IAsyncDisposable
{
    private readonly SocketsHttpHandler _handler = new() { MaxConnectionsPerServer = 128 };
    private readonly string _data;

    private RunningApp(string name, IReadOnlyDictionary<string, string>? environment, string? build)
    {
        _data = Path.Combine(Path.GetTempPath(), $"counterqueue-{name}-" + Guid.NewGuid().ToString("N")[..8]);
        var port = Bench.FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        Process = Bench.StartApp(_data, port, environment, build);
        Anonymous = new HttpClient(_handler, disposeHandler: false) { BaseAddress = new Uri(BaseUrl) };
        Staff = new HttpClient(_handler, disposeHandler: false) { BaseAddress = new Uri(BaseUrl) };
    }

    public Process Process { get; }
    public string BaseUrl { get; }
    public HttpClient Anonymous { get; }
    /// <summary>Signed in as the admin (every role).</summary>
    public HttpClient Staff { get; }

    public static async Task<RunningApp> StartAsync(string name, OfficeDefinition? office = null, bool openCounters = false,
        IReadOnlyDictionary<string, string>? environment = null, string? build = null)
    {
        var app = new RunningApp(name, environment, build);
        try
        {
            await Bench.WaitUntilReadyAsync(app.Anonymous);
            app.Staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Bench.TokenAsync(app.Anonymous));
            if (office is not null)
            {
                (await app.Staff.PutAsJsonAsync($"/api/admin/offices/{office.Id}", office, Bench.Json)).EnsureSuccessStatusCode();
                if (openCounters)
                    foreach (var counter in office.Counters)
                        (await app.Staff.PostAsync($"/api/offices/{office.Id}/counters/{counter.Id}/open", null)).EnsureSuccessStatusCode();
            }
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        Staff.Dispose();
        _handler.Dispose();
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
        Process.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}

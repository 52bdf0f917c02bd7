using System.Diagnostics;
using System.Net.Http.Headers;

namespace CounterQueue.Tests.Support;

/// <summary>
/// The web app as a separate process (as `dotnet run` starts it), so a test can kill it with
/// SIGKILL and start it again on the same data folder.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private const string ReadyBanner = "CounterQueue is running at";
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private AppProcess(string dataDirectory, string adminPassword, int? port, IReadOnlyDictionary<string, string>? environment)
    {
        Port = port ?? FreePort.Next();
        var dll = WebAppPath();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        start.Environment["Queue__DataDirectory"] = dataDirectory;
        start.Environment["Queue__SiloPort"] = FreePort.Next().ToString();
        start.Environment["QUEUE_ADMIN_PASSWORD"] = adminPassword;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Observe(e.Data);
        _process.ErrorDataReceived += (_, e) => Observe(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException(
            $"The app exited with {_process.ExitCode} before it was ready:\n{Output}"));
    }

    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    private void Observe(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        if (line.Contains(ReadyBanner, StringComparison.Ordinal)) _ready.TrySetResult();
    }

    /// <summary>Starts the app and waits until it says it is running (after the silo and the seeding).</summary>
    /// <param name="port">The HTTP port: by default a free one; the same one again to restart "the same server".</param>
    /// <param name="environment">More settings, e.g. Queue__PostgreSql for cluster mode.</param>
    public static async Task<AppProcess> StartAsync(string dataDirectory, string adminPassword, int? port = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var app = new AppProcess(dataDirectory, adminPassword, port, environment);
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        await app._ready.Task.WaitAsync(TimeSpan.FromSeconds(90));
        return app;
    }

    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>SIGKILL: no shutdown, no flush, as when the power goes or the OOM killer strikes.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>The built web app next to this test build (same configuration).</summary>
    private static string WebAppPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CounterQueue.sln"))) directory = directory.Parent;
        if (directory is null) throw new InvalidOperationException("CounterQueue.sln not found above the test folder.");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(directory.FullName, "src", "Queue.Web", "bin", configuration, "net10.0", "CounterQueue.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first.", dll);
    }
}

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

    private AppProcess(string dataDirectory, string adminPassword, int? port, IReadOnlyDictionary<string, string>? environment,
        AppLaunch launch, string? workingDirectory)
    {
        Port = port ?? FreePort.Next();
        var dll = WebAppPath();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? (launch == AppLaunch.Dll ? Path.GetDirectoryName(dll)! : RepositoryRoot),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var address = BaseAddress.ToString().TrimEnd('/');
        if (launch == AppLaunch.Dll)
        {
            start.ArgumentList.Add(dll);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(address);
        }
        else
        {
            // The README's command (built already, in this test build's configuration); the address comes from the environment.
            foreach (var arg in new[] { "run", "--no-build", "-c", Configuration, "--project", Path.Combine("src", "Queue.Web") }) start.ArgumentList.Add(arg);
            if (launch == AppLaunch.DotnetRunNoLaunchProfile) start.ArgumentList.Add("--no-launch-profile");
        }
        // As from a fresh shell: whatever environment the app runs in is its own default, not the test runner's.
        foreach (var name in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS" }) start.Environment.Remove(name);
        if (launch != AppLaunch.Dll) start.Environment["ASPNETCORE_URLS"] = address;
        start.Environment["Queue__DataDirectory"] = dataDirectory;
        start.Environment["Queue__SiloPort"] = FreePort.Next().ToString();
        start.Environment["QUEUE_ADMIN_PASSWORD"] = adminPassword;
        // Tests take hundreds of numbers from one address in seconds; the rate limits have tests of their own (RateLimitTests).
        start.Environment["Queue__RateLimits__Enabled"] = "false";
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
    /// <param name="launch">How to start it: the built app's dll (as a published build runs), or the README's `dotnet run`.</param>
    /// <param name="workingDirectory">The folder to start it from (by default the dll's folder, or the repository root for `dotnet run`).</param>
    public static async Task<AppProcess> StartAsync(string dataDirectory, string adminPassword, int? port = null,
        IReadOnlyDictionary<string, string>? environment = null, AppLaunch launch = AppLaunch.Dll, string? workingDirectory = null)
    {
        var app = new AppProcess(dataDirectory, adminPassword, port, environment, launch, workingDirectory);
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

    /// <summary>SIGTERM, as a service manager or Kubernetes stops it: waits for the process to exit and returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    private bool _disposed;

    /// <summary>Stops the process if it runs and keeps its output; a second call does nothing (a test that restarts a host
    /// disposes the first one itself, and its cleanup must not then hide the test's own failure).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await KillAsync();
        _process.Dispose();
        TestLogs.Keep("process", Output);
    }

    /// <summary>The folder that holds CounterQueue.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CounterQueue.sln"))) directory = directory.Parent;
            return directory?.FullName ?? throw new InvalidOperationException("CounterQueue.sln not found above the test folder.");
        }
    }

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    /// <summary>The built web app next to this test build (same configuration).</summary>
    public static string WebAppPath()
    {
        var dll = Path.Combine(RepositoryRoot, "src", "Queue.Web", "bin", Configuration, "net10.0", "CounterQueue.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first.", dll);
    }
}

/// <summary>How a test starts the real app.</summary>
public enum AppLaunch
{
    /// <summary>`dotnet CounterQueue.Web.dll`, as a published build runs.</summary>
    Dll,
    /// <summary>The README's `dotnet run --project src/Queue.Web`.</summary>
    DotnetRun,
    /// <summary>`dotnet run --no-launch-profile --project src/Queue.Web`.</summary>
    DotnetRunNoLaunchProfile,
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;

namespace CounterQueue.Benchmarks;

/// <summary>What the benchmarks share: arguments, percentiles, free ports, an office open round the clock, the real app.</summary>
internal static class Bench
{
    private const string Password = "benchmark";

    public static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, p * sorted.Count)];

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>JSON as the API reads it (camelCase, enums as camelCase strings).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>An office open round the clock with services s0…, and (optionally) one counter c0… per service.</summary>
    public static OfficeDefinition Office(string id, int services, bool counters = false)
    {
        var always = DailyHours.Parse("00:00", "24:00");
        return new OfficeDefinition
        {
            Id = id, Kind = OfficeKind.Ward, Name = new LocalizedText($"{id}区役所", $"{id} Ward Office"),
            Hours = new OfficeSchedule { Weekdays = always, Saturdays = new SaturdayHours { Hours = always }, Sundays = always, ClosedOnHolidays = false, YearEndClosure = false },
            Sections = [new SectionDefinition("sec", new LocalizedText("課", "Section"), "1F")],
            Services = Enumerable.Range(0, services).Select(Service).ToList(),
            Counters = counters
                ? Enumerable.Range(0, services).Select(i => new CounterDefinition
                {
                    Id = $"c{i}", Label = new LocalizedText($"{i}番窓口", $"Counter {i}"), Floor = "1F", ServiceIds = [$"s{i}"],
                }).ToList()
                : [],
        };
    }

    public static ServiceDefinition Service(int i) => new()
    {
        Id = $"s{i}", SectionId = "sec", Name = new LocalizedText($"手続き{i}", $"Service {i}"), TicketPrefix = $"{(char)('A' + i)}",
    };

    /// <summary>The built web app (Release) as its own process, as in production, on a fresh data folder.</summary>
    public static Process StartApp(string data, int port, IReadOnlyDictionary<string, string>? environment = null, string? build = null)
    {
        // QUEUE_BENCH_BUILD: another build's folder, to run any benchmark against it (e.g. a copy made before a change)
        build ??= Environment.GetEnvironmentVariable("QUEUE_BENCH_BUILD") is { Length: > 0 } other ? other : null;
        var dll = Path.Combine(build ?? Path.Combine(FindRoot(), "src", "Queue.Web", "bin", "Release", "net10.0"), "CounterQueue.Web.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the solution in Release first (dotnet build -c Release).", dll);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["Queue__DataDirectory"] = data;
        start.Environment["Queue__SiloPort"] = FreePort().ToString();
        start.Environment["QUEUE_ADMIN_PASSWORD"] = Password;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Queue__RateLimits__Enabled"] = "false"; // the load generator is one client taking thousands of numbers
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  app: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitUntilReadyAsync(HttpClient http, string path = "/health/ready")
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync(path)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("The web app did not become ready.");
    }

    /// <summary>CPU time the process has used so far (user + system, from /proc), or zero where there is no /proc.</summary>
    public static TimeSpan CpuTime(Process process)
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{process.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // after the command's name: state is field 0, utime field 11, stime field 12 (in clock ticks of 1/100 s)
            var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (IOException) { return TimeSpan.Zero; }
    }

    /// <summary>The admin's bearer token (the app started by <see cref="StartApp"/> has that admin).</summary>
    public static async Task<string> TokenAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("/api/auth/token", new { username = "admin", password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CounterQueue.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("CounterQueue.sln not found.");
    }
}

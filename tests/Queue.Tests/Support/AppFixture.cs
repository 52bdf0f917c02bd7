using System.Net.Http.Headers;
using System.Net.Http.Json;
using CounterQueue.Domain.Offices;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CounterQueue.Tests.Support;

/// <summary>The real web app (co-hosted silo, embedded store in a temp folder, demo offices) for API tests.</summary>
public sealed class AppFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminPassword = "test-admin-password";

    /// <summary>Where the app's clock starts: 10:00 Japan time on a Wednesday (a working day at every office).</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(9));

    /// <summary>
    /// The app's clock (queue rules, grains, tokens, Quartz): tests advance it instead of sleeping. Like a real
    /// clock it moves on a millisecond each time it is read. It only moves forward, and every test in the
    /// collection shares it, so a test reads it rather than assuming a time of day.
    /// </summary>
    public FakeTimeProvider Clock { get; } = new(Start) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

    /// <summary>Today in Japan on the app's clock.</summary>
    public DateOnly Today => CounterQueue.Domain.Calendar.Tokyo.DateOf(Clock.GetUtcNow());
    private readonly TempDirectory _data = new("app");

    /// <summary>The app's data folder (unless <see cref="ExtraSettings"/> names another).</summary>
    public string DataDirectory => ExtraSettings.GetValueOrDefault("Queue:DataDirectory", _data.Path);

    /// <summary>Settings for a fixture a test starts on its own (set before <see cref="InitializeAsync"/>).</summary>
    public Dictionary<string, string> ExtraSettings { get; } = [];

    /// <summary>Set before <see cref="InitializeAsync"/> to keep everything the app logs.</summary>
    public CapturingLoggerProvider? Logs { get; set; }
    private string? _adminToken;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Queue:DataDirectory", _data.Path);
        builder.UseSetting("Queue:SiloPort", FreePort.Next().ToString());
        builder.UseSetting("QUEUE_ADMIN_PASSWORD", AdminPassword);
        builder.UseSetting("Queue:TemporaryCloseRetry", "00:00:01");
        // The admin's token is signed once for the whole collection, while tests move the clock on by hours.
        builder.UseSetting("Queue:Auth:TokenLifetime", "7.00:00:00");
        // Tests take hundreds of numbers from one (in-memory) client in seconds; the rate limits have tests of their own.
        builder.UseSetting("Queue:RateLimits:Enabled", "false");
        foreach (var (key, value) in ExtraSettings) builder.UseSetting(key, value);
        builder.UseEnvironment("Testing");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            if (Logs is not null) services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs);
            if (TestLogs.NewFile("app") is { } logFile) services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(_ => new FileLoggerProvider(logFile));
        });
    }

    public async Task InitializeAsync()
    {
        using var client = CreateClient();
        _adminToken = await TokenAsync(client, "admin", AdminPassword);
    }

    /// <summary>Stops the app and keeps its data folder, for a test that starts another app on it (and deletes it after).</summary>
    public async Task DisposeWithoutDataAsync() => await base.DisposeAsync();

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _data.Dispose();
    }

    public static async Task<string> TokenAsync(HttpClient client, string username, string password)
    {
        var response = await client.PostJsonAsync("/api/auth/token", new { username, password });
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync())["accessToken"]!.GetValue<string>();
    }

    /// <summary>A client signed in as the admin (who has every role).</summary>
    public HttpClient AdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminToken);
        return client;
    }

    /// <summary>A new user with one role (bound to an office and section if given), and a client signed in as that user.</summary>
    public async Task<(HttpClient Client, string Username)> SignedInAsync(string role, string? officeId = null, string? sectionId = null)
    {
        var username = $"{role}-{Guid.NewGuid():N}"[..20];
        using var admin = AdminClient();
        var created = await admin.PostJsonAsync("/api/admin/users", new { username, password = "correct horse", roles = new[] { role }, officeId, sectionId });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(client, username, "correct horse"));
        return (client, username);
    }

    /// <summary>Creates a fresh office for one test (see <see cref="TestOffices"/>).</summary>
    public async Task<OfficeDefinition> CreateOfficeAsync(OfficeDefinition? office = null)
    {
        office ??= TestOffices.Create();
        using var admin = AdminClient();
        var response = await admin.PutAsJsonAsync($"/api/admin/offices/{office.Id}", office, ApiJson.Options);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return office;
    }
}

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "app";
}

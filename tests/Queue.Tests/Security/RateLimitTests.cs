using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Security;

/// <summary>
/// The rate limits on the real process, with clients at different addresses (127.0.0.x: every one is this machine's
/// loopback, and the app sees each as its own client): a script hammering ticket issue or sign-in gets 429s with
/// Retry-After, while a registered kiosk, a visitor's phone and other offices go on unhindered.
/// </summary>
public sealed class RateLimitTests : IDisposable
{
    private const string Password = "rate-limit-test-password";
    private const string KioskKey = "lobby-kiosk-key-0123456789";
    private readonly TempDirectory _data = new("rate");

    public void Dispose() => _data.Dispose();

    private static Dictionary<string, string> Limits(params (string Name, string Value)[] overrides)
    {
        var environment = new Dictionary<string, string>
        {
            ["Queue__RateLimits__Enabled"] = "true",
            ["Queue__RateLimits__Kiosks__lobby1"] = KioskKey,
        };
        foreach (var (name, value) in overrides) environment[$"Queue__RateLimits__{name}"] = value;
        return environment;
    }

    /// <summary>A client whose connections come from <paramref name="source"/> (a loopback address of its own).</summary>
    private static HttpClient ClientFrom(AppProcess app, string source, string? kioskKey = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (kioskKey is not null) client.DefaultRequestHeaders.Add("X-Kiosk-Key", kioskKey);
        return client;
    }

    private static async Task<string> CreateOfficeAsync(AppProcess app)
    {
        using var client = app.CreateClient();
        using var admin = app.CreateClient(await AppFixture.TokenAsync(client, "admin", Password));
        var office = TestOffices.Create();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/api/admin/offices/{office.Id}", office, ApiJson.Options)).StatusCode);
        return office.Id;
    }

    private static Task<HttpResponseMessage> IssueAsync(HttpClient client, string officeId, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/offices/{officeId}/tickets") { Content = JsonContent.Create(new { serviceId = "a" }) };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task A_script_taking_numbers_gets_429s_with_retry_after_while_a_registered_kiosk_and_a_phone_are_never_refused()
    {
        await using var app = await AppProcess.StartAsync(_data.Path, Password, environment: Limits());
        var officeId = await CreateOfficeAsync(app);

        using var script = ClientFrom(app, "127.0.0.2");
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 40; i++) answers.Add(await IssueAsync(script, officeId));
        Assert.Equal(20, answers.Count(r => r.StatusCode == HttpStatusCode.Created)); // Queue:RateLimits:TicketsPerClient
        var refused = answers.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(20, refused.Count);
        var problem = await refused[0].ReadJsonAsync();
        Assert.Equal(("rate-limited", 429), (problem["code"]!.GetValue<string>(), problem["status"]!.GetValue<int>()));
        Assert.False(string.IsNullOrEmpty(problem["title"]!.GetValue<string>()));
        Assert.Equal("application/problem+json", refused[0].Content.Headers.ContentType?.MediaType);
        Assert.InRange(int.Parse(refused[0].Headers.GetValues("Retry-After").Single()), 1, 60);
        // A wrong kiosk key is no key: the same address, the same limit.
        using var pretender = ClientFrom(app, "127.0.0.2", kioskKey: "guessed");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await IssueAsync(pretender, officeId)).StatusCode);

        // The registered kiosk in the lobby (same address even), at its busiest and beyond: never refused.
        using var kiosk = ClientFrom(app, "127.0.0.2", kioskKey: KioskKey);
        for (var i = 0; i < 50; i++) Assert.Equal(HttpStatusCode.Created, (await IssueAsync(kiosk, officeId)).StatusCode);
        // A visitor's phone elsewhere is not held up by the script.
        using var phone = ClientFrom(app, "127.0.0.3");
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(phone, officeId)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync($"/api/offices/{officeId}/services")).StatusCode);
        Assert.Contains("Rate limit: refused", app.Output);
    }

    [Fact]
    public async Task An_office_takes_at_most_its_limit_per_minute_from_many_addresses_and_other_offices_go_on()
    {
        await using var app = await AppProcess.StartAsync(_data.Path, Password, environment: Limits(("TicketsPerOfficePerMinute", "30")));
        var (target, other) = (await CreateOfficeAsync(app), await CreateOfficeAsync(app));
        var created = 0;
        for (var source = 10; source < 20; source++) // a script spread over ten addresses, five numbers each
        {
            using var client = ClientFrom(app, $"127.0.0.{source}");
            for (var i = 0; i < 5; i++) if ((await IssueAsync(client, target)).StatusCode == HttpStatusCode.Created) created++;
        }
        Assert.InRange(created, 30, 33); // the bucket refills by a tenth each six seconds
        using var visitor = ClientFrom(app, "127.0.0.30");
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(visitor, other)).StatusCode);
    }

    [Fact]
    public async Task Forwarded_addresses_count_only_from_a_configured_proxy()
    {
        await using var app = await AppProcess.StartAsync(_data.Path, Password, environment: Limits(("KnownProxies__0", "127.0.0.5"), ("TicketsPerClient", "5")));
        var officeId = await CreateOfficeAsync(app);
        // Not a proxy: a made-up X-Forwarded-For on every request changes nothing.
        using var spoofer = ClientFrom(app, "127.0.0.2");
        var spoofed = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++) spoofed.Add((await IssueAsync(spoofer, officeId, forwardedFor: $"198.51.100.{i}")).StatusCode);
        Assert.Equal(5, spoofed.Count(s => s == HttpStatusCode.Created));
        // Through the proxy: each visitor behind it is a client of their own.
        using var proxy = ClientFrom(app, "127.0.0.5");
        var first = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++) first.Add((await IssueAsync(proxy, officeId, forwardedFor: "203.0.113.7")).StatusCode);
        Assert.Equal(5, first.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(proxy, officeId, forwardedFor: "203.0.113.8")).StatusCode);
    }

    [Fact]
    public async Task Sign_in_attempts_and_public_reads_from_one_address_are_limited()
    {
        await using var app = await AppProcess.StartAsync(_data.Path, Password, environment: Limits());
        using var guesser = ClientFrom(app, "127.0.0.2");
        var signIns = new List<HttpStatusCode>();
        for (var i = 0; i < 14; i++)
            signIns.Add((await guesser.PostAsJsonAsync("/api/auth/token", new { username = $"user{i}", password = "wrong password" })).StatusCode);
        Assert.Equal(10, signIns.Count(s => s == HttpStatusCode.Unauthorized)); // Queue:RateLimits:SignInsPerClientPerMinute
        Assert.Equal(4, signIns.Count(s => s == HttpStatusCode.TooManyRequests));
        using var colleague = ClientFrom(app, "127.0.0.3");
        Assert.Equal(HttpStatusCode.OK, (await colleague.PostAsJsonAsync("/api/auth/token", new { username = "admin", password = Password })).StatusCode);

        using var reader = ClientFrom(app, "127.0.0.4");
        var reads = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => reader.GetAsync("/api/offices")));
        Assert.Contains(reads, r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.InRange(reads.Count(r => r.StatusCode == HttpStatusCode.OK), 200, 399); // a burst of 200, then 20 a second
        using var display = ClientFrom(app, "127.0.0.6");
        Assert.Equal(HttpStatusCode.OK, (await display.GetAsync("/api/offices")).StatusCode);
    }
}

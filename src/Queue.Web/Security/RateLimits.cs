using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using CounterQueue.Domain;
using CounterQueue.Web.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;

namespace CounterQueue.Web.Security;

/// <summary>What an endpoint costs in the rate limits (see <see cref="RateLimits"/>); endpoints without one are public reads or unlimited.</summary>
public enum RateLimitCategory
{
    /// <summary>Taking a number: a ticket, or a branch booth's request for a consultation.</summary>
    Issue,
    /// <summary>Booking, cancelling a booking, checking in.</summary>
    Booking,
    /// <summary>Signing in.</summary>
    SignIn,
}

/// <summary>Endpoint metadata: the rate limit category of an endpoint.</summary>
public sealed record RateLimited(RateLimitCategory Category);

/// <summary>The "Queue:RateLimits" settings: per client (an address, or a registered kiosk) and per office.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Queue:RateLimits";

    public bool Enabled { get; set; } = true;
    /// <summary>Tickets one address may take: this many at once, refilled at this many per 10 minutes (a family takes two or three).</summary>
    public int TicketsPerClient { get; set; } = 20;
    /// <summary>Tickets a registered kiosk may take per minute (a lobby kiosk at its busiest takes one every 10 seconds or so).</summary>
    public int TicketsPerKioskPerMinute { get; set; } = 60;
    /// <summary>Tickets one office may hand out per minute, all clients together (a ward office at its peak: one or two a second).</summary>
    public int TicketsPerOfficePerMinute { get; set; } = 300;
    /// <summary>Bookings, cancellations and check-ins one address may make per 10 minutes (a kiosk registered as one: per minute).</summary>
    public int BookingsPerClient { get; set; } = 20;
    /// <summary>Bookings one office may take per minute, all clients together.</summary>
    public int BookingsPerOfficePerMinute { get; set; } = 120;
    /// <summary>Sign-in attempts one address may make per minute (failures also back off per user: see <see cref="SignInThrottle"/>).</summary>
    public int SignInsPerClientPerMinute { get; set; } = 10;
    /// <summary>Public reads (GET without a token) one address may make per second, with bursts of ten times that.</summary>
    public int ReadsPerClientPerSecond { get; set; } = 20;
    /// <summary>Registered kiosks (trusted devices): name → key; a kiosk sends its key in the X-Kiosk-Key header and gets its own limit.</summary>
    public Dictionary<string, string> Kiosks { get; set; } = [];
    /// <summary>
    /// Reverse proxies whose X-Forwarded-For is believed: IP addresses, or networks in CIDR form (e.g. 10.89.0.0/16, where
    /// the proxy's address is given out at start, as in a container network or a Kubernetes cluster); none by default,
    /// so the header is ignored.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];
}

/// <summary>
/// Rate limits (ASP.NET Core's rate limiter), so a script cannot drain a day's numbers or slots nor guess passwords at
/// speed, while a lobby at its peak is never refused: per client (its address — behind a configured reverse proxy, the
/// forwarded one — or a registered kiosk's key) and per office for taking numbers and booking, per address for signing
/// in, per address for public reads. A refusal is a 429 problem with Retry-After.
/// </summary>
public static class RateLimits
{
    public const string KioskHeader = "X-Kiosk-Key";

    public static WebApplicationBuilder AddQueueRateLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddSingleton(options);
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var text in options.KnownProxies)
        {
            if (IPAddress.TryParse(text, out var address)) proxies.Add(address);
            else if (System.Net.IPNetwork.TryParse(text, out var network)) networks.Add(network);
            else
                throw new Microsoft.Extensions.Options.OptionsValidationException(RateLimitOptions.Section, typeof(RateLimitOptions),
                    [$"{RateLimitOptions.Section}:KnownProxies '{text}' is not an IP address or a network (10.0.0.0/8)."]);
        }
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownIPNetworks.Clear(); // not even loopback by default: only the proxies configured
            o.KnownProxies.Clear();
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
            o.ForwardLimit = 1;
        });
        if (!options.Enabled) return builder;
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(PerClient(options), PerOffice(options));
        });
        return builder;
    }

    public static WebApplication UseQueueRateLimits(this WebApplication app)
    {
        if (app.Services.GetRequiredService<RateLimitOptions>().KnownProxies.Count > 0) app.UseForwardedHeaders();
        if (app.Services.GetRequiredService<RateLimitOptions>().Enabled) app.UseRateLimiter();
        return app;
    }

    private static RateLimitCategory? CategoryOf(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<RateLimited>()?.Category;

    /// <summary>Who is asking: a registered kiosk by its key, otherwise the client's address.</summary>
    private static (string Key, bool Kiosk) Client(HttpContext context, RateLimitOptions options)
    {
        if (context.Request.Headers[KioskHeader].ToString() is { Length: > 0 } key)
            foreach (var (name, known) in options.Kiosks)
                if (System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                        System.Text.Encoding.UTF8.GetBytes(known), System.Text.Encoding.UTF8.GetBytes(key)))
                    return ($"kiosk:{name}", true);
        return ($"ip:{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}", false);
    }

    private static PartitionedRateLimiter<HttpContext> PerClient(RateLimitOptions options) => PartitionedRateLimiter.Create<HttpContext, string>(context =>
    {
        var category = CategoryOf(context);
        if (category is null)
        {
            // Public reads: a GET of the API without a token (staff reading with a token are not limited here).
            var read = HttpMethods.IsGet(context.Request.Method) && context.Request.Path.StartsWithSegments("/api")
                       && !context.Request.Headers.Authorization.Any();
            if (!read) return RateLimitPartition.GetNoLimiter("none");
            var (reader, _) = Client(context, options);
            return RateLimitPartition.GetTokenBucketLimiter($"read:{reader}", _ => Bucket(options.ReadsPerClientPerSecond * 10, options.ReadsPerClientPerSecond, TimeSpan.FromSeconds(1)));
        }
        var (client, kiosk) = Client(context, options);
        return category switch
        {
            RateLimitCategory.Issue when kiosk => RateLimitPartition.GetTokenBucketLimiter($"issue:{client}",
                _ => Bucket(options.TicketsPerKioskPerMinute, options.TicketsPerKioskPerMinute, TimeSpan.FromMinutes(1))),
            RateLimitCategory.Issue => RateLimitPartition.GetTokenBucketLimiter($"issue:{client}",
                _ => Bucket(options.TicketsPerClient, options.TicketsPerClient, TimeSpan.FromMinutes(10))),
            RateLimitCategory.Booking => RateLimitPartition.GetTokenBucketLimiter($"booking:{client}",
                _ => Bucket(options.BookingsPerClient, options.BookingsPerClient, kiosk ? TimeSpan.FromMinutes(1) : TimeSpan.FromMinutes(10))),
            _ => RateLimitPartition.GetFixedWindowLimiter($"sign-in:{client}", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.SignInsPerClientPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
            }),
        };
    });

    /// <summary>All clients together, per office: numbers and bookings (a script spread over many addresses still cannot drain a day).</summary>
    private static PartitionedRateLimiter<HttpContext> PerOffice(RateLimitOptions options) => PartitionedRateLimiter.Create<HttpContext, string>(context =>
    {
        var category = CategoryOf(context);
        if (category is not (RateLimitCategory.Issue or RateLimitCategory.Booking)) return RateLimitPartition.GetNoLimiter("none");
        var office = context.Request.RouteValues["officeId"] as string ?? "any";
        if (office.Length > 64) office = "any";
        return category == RateLimitCategory.Issue
            ? RateLimitPartition.GetTokenBucketLimiter($"issue-office:{office}", _ => Bucket(options.TicketsPerOfficePerMinute, options.TicketsPerOfficePerMinute, TimeSpan.FromMinutes(1)))
            : RateLimitPartition.GetTokenBucketLimiter($"booking-office:{office}", _ => Bucket(options.BookingsPerOfficePerMinute, options.BookingsPerOfficePerMinute, TimeSpan.FromMinutes(1)));
    });

    /// <summary>A bucket of <paramref name="capacity"/> tokens, refilled by <paramref name="perPeriod"/> over each period (in steps of a tenth of it).</summary>
    private static TokenBucketRateLimiterOptions Bucket(int capacity, int perPeriod, TimeSpan period) => new()
    {
        TokenLimit = Math.Max(1, capacity),
        TokensPerPeriod = Math.Max(1, perPeriod / 10),
        ReplenishmentPeriod = period / 10,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(10);
        var problem = Problems.TooMany(context, ProblemCodes.RateLimited, retryAfter, s => $"Too many requests. Try again in {s} seconds.", out var seconds);
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimits))
            .LogWarning("Rate limit: refused {Method} {Path} from {Client} (retry after {Seconds} s)", context.Request.Method,
                context.GetEndpoint()?.DisplayName ?? "?", context.Connection.RemoteIpAddress, seconds);
        await Results.Problem(problem).ExecuteAsync(context);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using CounterQueue.Domain;
using CounterQueue.Silo.Telemetry;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Security;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Http.Json;
using OpenTelemetry.Metrics;

namespace CounterQueue.Web.Infrastructure;

public static class ApiHostingExtensions
{
    /// <summary>The largest request body the API reads; a ticket request is a few hundred bytes.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Where the app listens when neither --urls, ASPNETCORE_URLS, the *_PORTS settings nor Kestrel endpoints say.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>JSON, problem details for every error, OpenAPI and metrics; the default address.</summary>
    public static WebApplicationBuilder AddQueueApi(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"]) && !configuration.GetSection("Kestrel:Endpoints").Exists())
            builder.WebHost.UseUrls(DefaultUrl);
        var services = builder.Services;
        services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // so bad bodies reach the problem handler
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = FillStatusProblem);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        builder.AddQueueRateLimits();

        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => OpenTelemetry.Resources.ResourceBuilderExtensions.AddService(r, "counterqueue")).WithMetrics(m =>
        {
            // Queue lengths, waits and calls; Orleans' own (grains, messaging, membership); HTTP. Scraped at /metrics
            // (Prometheus text format, from the office network only: MetricsAccess), or pushed over OTLP when configured.
            // HTTP: request durations and active requests, connections, hub connections, rate limiting and unhandled
            // exceptions. Not AddAspNetCoreInstrumentation(): it also subscribes to the memory pool's, routing's and
            // authentication's per-request instruments, which cost about 1.5 % of the CPU of a ticket under load and
            // answer no operator's question (issue #9's profile).
            // The runtime's own ("System.Runtime": GC collections, pauses and bytes allocated, heap, thread pool queue, CPU,
            // working set) are read only when scraped: nothing on a request's path.
            m.AddMeter(QueueMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                    "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Diagnostics",
                    "System.Runtime")
                .AddPrometheusExporter();
            if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) m.AddOtlpExporter();
        });
        return builder;
    }

    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new TokyoTimeJsonConverter());
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.MaxDepth = 32; // no request of the API nests deeper than a few levels; deeper is refused (400), not recursed into
        // A field the API does not know is refused (400), not silently dropped: a careless client's typo ("servicelds") is told,
        // and nothing unread (invalid UTF-8, a megabyte of junk) rides along in a request that looks accepted.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    }

    /// <summary>Problems the framework raises itself (404 for an unknown route, 401, 403, 405…) get a code and a localized title too.</summary>
    private static void FillStatusProblem(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code")) return;
        var code = problem.Status switch
        {
            401 => ProblemCodes.Unauthorized,
            403 => ProblemCodes.Forbidden,
            404 => ProblemCodes.NotFound,
            405 => ProblemCodes.MethodNotAllowed,
            413 => ProblemCodes.BodyTooLarge,
            415 => ProblemCodes.UnsupportedMediaType,
            >= 500 => ProblemCodes.Internal,
            _ => ProblemCodes.BadRequest,
        };
        problem.Extensions["code"] = code;
        problem.Type = Problems.TypeOf(code); // ours, not the RFC's section: a client looks up one kind of type
        problem.Title = ProblemText.Title(code, context.HttpContext);
    }

    public static WebApplication UseQueueApi(this WebApplication app)
    {
        app.UseSecurityHeaders();
        // Who changed what, from where: outside the exception handler, so it sees the final status of a refused request;
        // the user is known once the inner authentication has run.
        app.UseAuditLog();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RejectOversizedBodies);
        app.UseQueueRateLimits(); // the client's address from a configured proxy first, then the limits
        app.UseQueueAuthentication();
        // Who acts goes with every grain call the request makes, so the visit history records the staff member.
        // The user as authentication set it: reading HttpContext.User would make an anonymous principal for every visitor.
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpAuthenticationFeature>()?.User is { Identity.IsAuthenticated: true } user)
                CounterQueue.Silo.History.ActingStaff.Set(user.FindFirst(Identity.TokenIssuer.NameClaim)?.Value ?? user.Identity.Name);
            return next(context);
        });
        return app;
    }

    /// <summary>Refuses a declared body over the limit before anything reads it (Kestrel also caps chunked bodies).</summary>
    private static Task RejectOversizedBodies(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentLength <= MaxRequestBodyBytes || context.Request.ContentLength is null) return next(context); // no await: no state machine per request
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return Results.Problem(Problems.Create(context, 413, ProblemCodes.BodyTooLarge,
            $"The API accepts bodies up to {MaxRequestBodyBytes / 1024} KiB.")).ExecuteAsync(context);
    }
}

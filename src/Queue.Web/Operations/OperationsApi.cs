using CounterQueue.Silo.Infrastructure;
using CounterQueue.Web.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Scalar.AspNetCore;

namespace CounterQueue.Web.Operations;

public static class OperationsApi
{
    /// <summary>Health checks, the OpenAPI document at /openapi/v1.json and its reference page at /docs.</summary>
    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealth();
        app.MapMetrics();
        app.MapGet("/api/admin/runtime", RuntimeAsync).WithTags("Operations").RequireAuthorization(IdentityApi.AdminPolicy);
        app.MapGet("/api/clock", Clock).WithTags("Operations");
        app.MapOpenApi("/openapi/{documentName}.json");
        // The reference page's script is served from this app (no CDN), and it asks for no web fonts.
        app.MapScalarApiReference("/docs", o => o
            .WithTitle("CounterQueue API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts());
        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app));
        return app;
    }

    /// <summary>Grain activations by kind (every silo) and this host's memory: what the cluster holds now.</summary>
    private static async Task<Ok<RuntimeStatus>> RuntimeAsync(IGrainFactory grains, TimeProvider time)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var activations = statistics
            .GroupBy(s => ShortName(s.GrainType), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount), StringComparer.Ordinal);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return TypedResults.Ok(new RuntimeStatus(time.GetUtcNow(), activations, process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false)));
    }

    /// <summary>
    /// The office's time by this host's clock (Japan time), for the lobby display's clock: a signage player's own clock is
    /// often minutes off, and the times on tickets, calls and the display should agree. Never cached.
    /// </summary>
    private static Ok<ClockView> Clock(HttpContext context, TimeProvider time)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new ClockView(time.GetUtcNow()));
    }

    /// <summary>"CounterQueue.Silo.Tickets.TicketLineGrain, CounterQueue.Silo" → "TicketLineGrain".</summary>
    private static string ShortName(string grainType)
    {
        var type = grainType.Split(',')[0].Trim();
        return type[(type.LastIndexOf('.') + 1)..];
    }

    /// <summary>/health/live answers while the process runs; /health/ready only when the cluster and storage answer.</summary>
    private static void MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready), ResponseWriter = WriteReadinessAsync });
    }

    /// <summary>Readiness as JSON: the overall status and each check's (cluster, membership, storage, draining), for operators.</summary>
    private static Task WriteReadinessAsync(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }

    private static void PrintBanner(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? "(no address)";
        var adminSet = !string.IsNullOrEmpty(app.Configuration["QUEUE_ADMIN_PASSWORD"]);
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<QueueOptions>>().Value;
        app.Logger.LogInformation(
            "CounterQueue is running at {Url}  (pages: {Url}/ — display, kiosk, staff console; API reference: {Url}/docs). " +
            "Environment {Environment}, {Mode}, data in {DataDirectory}. {Login}",
            url, url, url, app.Environment.EnvironmentName,
            options.IsClusterMode ? "cluster mode on PostgreSQL" : "one process on the embedded store", options.DataDirectoryPath,
            adminSet
                ? "Sign in at /staff (or POST /api/auth/token) as 'admin' with the QUEUE_ADMIN_PASSWORD you set."
                : "No admin account was set: start with QUEUE_ADMIN_PASSWORD=... to create 'admin'.");
    }
}

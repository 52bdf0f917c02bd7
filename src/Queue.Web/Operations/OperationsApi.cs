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
        app.MapOpenApi("/openapi/{documentName}.json");
        // The reference page's script is served from this app (no CDN), and it asks for no web fonts.
        app.MapScalarApiReference("/docs", o => o
            .WithTitle("CounterQueue API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts());
        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app));
        return app;
    }

    private static void PrintBanner(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? "(no address)";
        var adminSet = !string.IsNullOrEmpty(app.Configuration["QUEUE_ADMIN_PASSWORD"]);
        app.Logger.LogInformation(
            "CounterQueue is running at {Url}  (pages: {Url}/ — display, kiosk, staff console; API reference: {Url}/docs). {Login}",
            url, url, url,
            adminSet
                ? "Sign in at /staff (or POST /api/auth/token) as 'admin' with the QUEUE_ADMIN_PASSWORD you set."
                : "No admin account was set: start with QUEUE_ADMIN_PASSWORD=... to create 'admin'.");
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace CounterQueue.Display;

/// <summary>
/// Serves the pages: <c>/display/{officeId}?floor=</c> (lobby TV), <c>/kiosk/{officeId}</c>,
/// <c>/t/{ticketId}</c> (a visitor's phone), <c>/book/{officeId}</c> (booking), <c>/staff</c> (counter console) and <c>/</c> (index),
/// with their assets under <c>/assets</c>. Pages are static: they read the office or ticket from the
/// address and talk to the REST API and the lobby hub. Nothing is loaded from another origin.
/// </summary>
public static class DisplayPages
{
    public const string AssetsPath = "/assets";

    /// <summary>Everything the pages may do: only this origin, no inline script, images from data: URLs (QR codes).</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'";

    public static string Root => Path.Combine(AppContext.BaseDirectory, "display");

    public static WebApplication MapQueuePages(this WebApplication app)
    {
        var files = new PhysicalFileProvider(Root);
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".mjs"] = "text/javascript";
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = AssetsPath,
            ContentTypeProvider = types,
            OnPrepareResponse = context =>
            {
                // Fonts and libraries never change under a version; the pages' own scripts are revalidated.
                context.Context.Response.Headers.CacheControl = context.File.PhysicalPath?.Contains($"{Path.DirectorySeparatorChar}lib{Path.DirectorySeparatorChar}") == true
                    ? "public, max-age=604800"
                    : "no-cache";
                context.Context.Response.Headers.XContentTypeOptions = "nosniff";
            },
        });

        // Browsers ask for /favicon.ico where a page names no icon (the API's own pages, a JSON answer opened in a tab).
        app.MapGet("/favicon.ico", () => Results.Redirect($"{AssetsPath}/favicon.svg", permanent: true)).ExcludeFromDescription();
        MapPage(app, "/", "index.html", "Index");
        MapPage(app, "/display/{officeId}", "display.html", "Lobby display");
        MapPage(app, "/kiosk/{officeId}", "kiosk.html", "Kiosk");
        MapPage(app, "/t/{ticketId}", "phone.html", "Phone page");
        MapPage(app, "/staff", "staff.html", "Staff console");
        MapPage(app, "/temporary-counters", "temporary-counters.html", "Temporary counters");
        MapPage(app, "/admin", "admin.html", "Administration");
        MapPage(app, "/bookings", "bookings.html", "Bookings (staff)");
        MapPage(app, "/guide/{officeId}", "guide.html", "Floor guide");
        MapPage(app, "/booth/{officeId}", "booth.html", "Remote consultation booth");
        MapPage(app, "/forwarding", "forwarding.html", "Document forwarding");
        MapPage(app, "/floor-guide/{officeId}", "floor-guide.html", "Printable floor guide");
        MapPage(app, "/book", "book.html", "Booking");
        MapPage(app, "/book/{officeId}", "book.html", "Booking for an office");
        MapPage(app, "/congestion/{officeId}", "congestion.html", "Congestion");
        // The widget shows only what the public page does and takes no action, so any site (the city's) may frame it.
        MapPage(app, "/congestion/{officeId}/widget", "congestion.html", "Congestion widget", frameAnywhere: true);
        return app;
    }

    private static void MapPage(IEndpointRouteBuilder app, string route, string file, string name, bool frameAnywhere = false)
    {
        var policy = frameAnywhere ? ContentSecurityPolicy.Replace("frame-ancestors 'self'", "frame-ancestors *", StringComparison.Ordinal) : ContentSecurityPolicy;
        var path = Path.Combine(Root, file);
        app.MapGet(route, (HttpContext context) =>
        {
            if (!File.Exists(path)) return Results.NotFound();
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.CacheControl = "no-cache";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer"; // a phone page's address holds its ticket id
            return Results.File(path, "text/html; charset=utf-8");
        }).WithName(name).ExcludeFromDescription();
    }
}

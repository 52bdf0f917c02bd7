namespace CounterQueue.Web.Security;

/// <summary>
/// The security headers on every response: the pages set their own Content-Security-Policy (DisplayPages); everything else
/// (the API's JSON, problems, files) gets one that allows nothing and may not be framed. No sniffing, no referrer, and HSTS
/// when served over HTTPS (outside Development). CORS is closed: no policy is registered, so no other origin's script may
/// read an answer.
/// </summary>
public static class SecurityHeaders
{
    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) app.UseHsts(); // only on HTTPS requests; an office network on plain HTTP gets none
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state => // static: no closure per request
            {
                var headers = ((HttpContext)state).Response.Headers;
                if (!headers.ContainsKey("Content-Security-Policy")) headers.ContentSecurityPolicy = ApiPolicy;
                headers.XContentTypeOptions = "nosniff";
                if (!headers.ContainsKey("Referrer-Policy")) headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "geolocation=(), microphone=(), payment=(), usb=()";
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }
}

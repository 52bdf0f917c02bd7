using System.Globalization;
using System.Text;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Security;
using CounterQueue.Silo.Audit;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace CounterQueue.Web.Security;

/// <summary>Marks an anonymous endpoint whose attempts are recorded (sign-in: it sets <see cref="AuditApi.AttemptedUserItem"/>).</summary>
public sealed class AuditedAttempts;

/// <summary>
/// The audit log (監査ログ): every change a signed-in staff member, guide or administrator makes — calls, transfers, redirects,
/// schedules, relocations, users, settings — and every sign-in attempt, with who, when, from which address, the route and the ids
/// it named, and the answer's status. Written before the request is done (durable in the grains' store), read and exported by
/// administrators at <c>GET /api/admin/audit</c>. Never a request body: no password, no resident's name.
/// </summary>
public static class AuditApi
{
    public const string AttemptedUserItem = "cq.audit.user";
    private const int MaxEntries = 10_000;

    public static WebApplication UseAuditLog(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            // Reads are never recorded (sign-in is a POST), nor a change by someone not signed in (a visitor's ticket: no
            // Authorization header, so nobody to record) other than a sign-in attempt: they cost nothing here.
            if (!Changes(context.Request.Method)
                || !context.Request.Headers.ContainsKey(HeaderNames.Authorization) && context.GetEndpoint()?.Metadata.GetMetadata<AuditedAttempts>() is null)
                return next(context);
            return AroundAsync(context, next);
        });
        return app;
    }

    private static async Task AroundAsync(HttpContext context, RequestDelegate next)
    {
        // The route and its ids as routing found them (an exception handler that answers a refused request clears them).
        var endpoint = context.GetEndpoint() as RouteEndpoint;
        KeyValuePair<string, object?>[] values = [.. context.Request.RouteValues]; // formatted only if recorded
        await next(context); // problems are already answers here (the exception handler is inside)
        if (ShouldRecord(context)) await RecordAsync(context, context.Response.StatusCode, endpoint, values);
    }

    public static WebApplication MapAuditApi(this WebApplication app)
    {
        app.MapGet("/api/admin/audit", ReadAsync).WithTags("Administration").RequireAuthorization(IdentityApi.AdminPolicy)
            .WithSummary("The audit log of a period (JSON, or CSV with a BOM).");
        return app;
    }

    private static bool Changes(string method) => !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method);

    /// <summary>A sign-in attempt, or a change by a signed-in user.</summary>
    private static bool ShouldRecord(HttpContext context) =>
        context.Items.ContainsKey(AttemptedUserItem) || context.User.Identity?.IsAuthenticated == true;

    private static async Task RecordAsync(HttpContext context, int status, RouteEndpoint? endpoint, KeyValuePair<string, object?>[] routeValues)
    {
        var target = string.Join(' ', routeValues.Where(v => v.Value is string).Select(v => $"{v.Key}={v.Value}"));
        var user = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst(TokenIssuer.NameClaim)?.Value : context.Items[AttemptedUserItem] as string;
        var entry = new AuditEntry(context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), user, context.Request.Method,
            endpoint?.RoutePattern.RawText is { Length: > 1 } raw ? raw.TrimEnd('/') : endpoint?.RoutePattern.RawText ?? "(no route)", target.Length == 0 ? null : target[..Math.Min(500, target.Length)], status,
            context.Connection.RemoteIpAddress?.ToString());
        try
        {
            await context.RequestServices.GetRequiredService<IAuditLog>().AppendAsync(entry);
        }
        catch (Exception e)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuditApi))
                .LogError(e, "Could not write the audit entry for {Method} {Route} by {User}", entry.Method, entry.Route, entry.User);
        }
    }

    /// <summary>The log of the days <c>from</c>–<c>to</c> (Japan time, today by default), optionally of one user; CSV with <c>Accept: text/csv</c> or <c>?format=csv</c>.</summary>
    private static async Task<IResult> ReadAsync(string? from, string? to, string? user, string? format, HttpContext http, IAuditLog audit, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var today = Tokyo.DateOf(time.GetUtcNow());
        var first = Validate.Date(from, "from") ?? today;
        var last = Validate.Date(to, "to") ?? first;
        if (last < first) throw Validate.Invalid("'to' must not be before 'from'.");
        if (user is { Length: > 64 }) throw Validate.Invalid("'user' is at most 64 characters.");
        if (format is not (null or "json" or "csv")) throw Validate.Invalid("'format' must be json or csv.");
        var entries = await audit.ReadAsync(Tokyo.At(first, TimeSpan.Zero), Tokyo.At(last.AddDays(1), TimeSpan.Zero), user, MaxEntries, cancellationToken);
        if (!CsvFile.Wanted(http, format)) return TypedResults.Ok(entries);
        static string Cell(string? value) => CsvFile.Text(value);
        var text = new StringBuilder("日時,ユーザー,操作,経路,対象,結果,接続元\r\n");
        foreach (var e in entries)
            text.AppendJoin(',', Cell(Tokyo.ToLocal(e.At).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)), Cell(e.User), Cell(e.Method), Cell(e.Route),
                Cell(e.Target), e.Status.ToString(CultureInfo.InvariantCulture), Cell(e.Address)).Append("\r\n");
        return CsvFile.Download(text, $"audit-{first:yyyy-MM-dd}-{last:yyyy-MM-dd}.csv");
    }
}

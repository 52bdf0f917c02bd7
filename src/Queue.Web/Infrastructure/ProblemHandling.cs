using System.Text.Json;
using CounterQueue.Domain;
using CounterQueue.Silo.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CounterQueue.Web.Infrastructure;

/// <summary>
/// Every error leaves as RFC 9457 problem details with a 4xx status, a readable title (Japanese or
/// English by Accept-Language) and a stable <c>code</c>; 503 with Retry-After when a host, the database or the embedded
/// store cannot serve it just now (nothing was changed), or a backup could not be written. A 500 means a bug and is logged as one.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, detail, extensions) = Classify(exception);
        if (status == StatusCodes.Status503ServiceUnavailable)
            logger.LogWarning("Briefly unavailable on {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, exception.GetBaseException().Message);
        else if (status >= 500) logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        else logger.LogDebug("Refused {Method} {Path}: {Code} {Detail}", context.Request.Method, context.Request.Path, code, detail);
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable) context.Response.Headers.RetryAfter = "5";
        var problem = Problems.Create(context, status, code, detail);
        foreach (var (key, value) in extensions) problem.Extensions[key] = value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static (int Status, string Code, string? Detail, IReadOnlyDictionary<string, string> Extensions) Classify(Exception exception)
    {
        var none = new Dictionary<string, string>();
        exception = exception is CounterQueue.Silo.Storage.BackupFailedException ? exception : DatabaseCause(exception) ?? exception;
        return exception switch
        {
            QueueProblemException p => (StatusOf(p.Kind), p.Code, p.Message, p.Details),
            QueueRuleException r => (StatusOf(r.Kind), r.Code, r.Message, r.Details),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (413, ProblemCodes.BodyTooLarge, "The request body is larger than the API accepts.", none),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => (415, ProblemCodes.UnsupportedMediaType, "Send the body as application/json.", none),
            BadHttpRequestException b when b.InnerException is JsonException json => (400, ProblemCodes.MalformedRequest, JsonProblem(json), none),
            BadHttpRequestException b => (b.StatusCode is >= 400 and < 500 ? b.StatusCode : 400, ProblemCodes.MalformedRequest, b.Message, none),
            JsonException json => (400, ProblemCodes.MalformedRequest, JsonProblem(json), none),
            OperationCanceledException => (400, ProblemCodes.BadRequest, "The request was cancelled.", none),
            // A silo stopped or unreachable (a node lost in cluster mode, a restart): the request was not carried
            // out, and trying again shortly is the right thing to do.
            Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException
                or Orleans.Runtime.Messaging.ConnectionFailedException or Orleans.Networking.Shared.SocketConnectionException
                or TimeoutException
                // The database failing or slow (cluster mode): nothing was changed, and trying again shortly is right.
                or Npgsql.NpgsqlException or Polly.ExecutionRejectedException => (503, ProblemCodes.Unavailable, "The queue service is briefly unavailable; try again in a few seconds.", none),
            // The embedded store cannot write (the disk full, an I/O error, the file system read-only): nothing was
            // acknowledged or changed, and the office's staff must be told (the store logs it as an error).
            // A backup that could not be written: the admin is told why (the folder, the disk); the store itself is fine.
            CounterQueue.Silo.Storage.BackupFailedException backup => (503, ProblemCodes.BackupFailed, backup.Message, none),
            Microsoft.Data.Sqlite.SqliteException sqlite when IsStorageUnavailable(sqlite) => (503, ProblemCodes.StorageUnavailable,
                "The office's records cannot be written just now, so nothing was changed. Try again in a few seconds, or ask a member of staff.", none),
            _ => (500, ProblemCodes.Internal, null, none),
        };
    }

    /// <summary>The database failure under an Orleans storage error ("Error from storage provider …"), if that is what it was.</summary>
    private static Exception? DatabaseCause(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.NpgsqlException or Polly.ExecutionRejectedException || IsStorageUnavailable(e)) return e;
        }
        return null;
    }

    /// <summary>
    /// SQLite refusing to write for a reason outside the app — full (13), I/O error (10), read-only (8), cannot open (14),
    /// busy or locked (5, 6), out of memory (7) — as against a bug of ours (a constraint, bad SQL), which stays a 500.
    /// </summary>
    private static bool IsStorageUnavailable(Exception e) =>
        e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 or 7 or 8 or 10 or 13 or 14 };

    private static string JsonProblem(JsonException json) =>
        json.Path is { Length: > 1 } path
            ? $"The JSON body is not valid at '{path.TrimStart('$', '.')}'; check its type and allowed values."
            : "The body is not valid JSON.";

    private static int StatusOf(QueueErrorKind kind) => kind switch
    {
        QueueErrorKind.NotFound => StatusCodes.Status404NotFound,
        QueueErrorKind.Conflict => StatusCodes.Status409Conflict,
        QueueErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status400BadRequest,
    };
}

public static class Problems
{
    /// <summary>The problem type of a code: every problem of the API, the framework's own included, names one of ours.</summary>
    public static string TypeOf(string code) => $"https://counterqueue.example/problems/{code}";

    public static ProblemDetails Create(HttpContext context, int status, string code, string? detail)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = ProblemText.Title(code, context),
            Detail = detail,
            Type = TypeOf(code),
        };
        problem.Extensions["code"] = code;
        return problem;
    }

    /// <summary>
    /// A 429 problem ("try again later") whose <c>Retry-After</c> header and <c>retryAfterSeconds</c> say when, in whole
    /// seconds (at least one): rate limits and sign-in lock-outs.
    /// </summary>
    public static ProblemDetails TooMany(HttpContext context, string code, TimeSpan retryAfter, Func<int, string> detail, out int seconds)
    {
        seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = Create(context, StatusCodes.Status429TooManyRequests, code, detail(seconds));
        problem.Extensions["retryAfterSeconds"] = seconds;
        return problem;
    }

    /// <summary>A problem result for handlers that refuse a request themselves.</summary>
    public static ProblemHttpResult Result(HttpContext context, int status, string code, string? detail) =>
        TypedResults.Problem(Create(context, status, code, detail));
}

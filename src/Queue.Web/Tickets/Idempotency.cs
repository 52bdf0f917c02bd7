using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CounterQueue.Domain;
using CounterQueue.Domain.Idempotency;
using CounterQueue.Silo.Idempotency;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Web.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CounterQueue.Web.Tickets;

/// <summary>
/// The Idempotency-Key header on requests that create something: a retry with the same key within
/// 24 h gets the first response and creates nothing new. The id of what is created is fixed before
/// the request runs, so even a retry after a crash half-way creates the same thing.
/// </summary>
public sealed class Idempotency(IGrainFactory grains, IOptions<JsonOptions> json)
{
    public const string Header = "Idempotency-Key";
    private const int MaxKeyLength = 200;

    /// <summary>
    /// As the other overload, for a creation whose location follows from what it created: without a key, one awaited
    /// call and nothing in between (ticket issue, issue #9).
    /// </summary>
    public Task<IResult> RunAsync<T>(HttpContext context, string scope, string fingerprint, string proposedId,
        Func<string, Task<T>> create, Func<T, string> location)
    {
        if (string.IsNullOrEmpty(context.Request.Headers[Header].ToString())) return CreateAsync(create(proposedId), location);
        return RunAsync(context, scope, fingerprint, proposedId, async id =>
        {
            var body = await create(id);
            return (body, location(body));
        });

        static async Task<IResult> CreateAsync(Task<T> creating, Func<T, string> location)
        {
            var body = await creating;
            return new JsonCreated<T>(location(body), body);
        }
    }

    public async Task<IResult> RunAsync<T>(HttpContext context, string scope, string fingerprint, string proposedId,
        Func<string, Task<(T Body, string Location)>> create)
    {
        var key = context.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key))
        {
            var (body, location) = await create(proposedId);
            return new JsonCreated<T>(location, body);
        }
        if (key.Length > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
            throw Validate.Invalid($"'{Header}' must be 1-{MaxKeyLength} visible ASCII characters.");

        var grain = grains.GetGrain<IIdempotencyGrain>($"{scope}|{key}");
        var decision = await grain.BeginAsync(Hash(fingerprint), proposedId);
        switch (decision.Outcome)
        {
            case IdempotencyOutcome.Mismatch:
                return Problems.Result(context, StatusCodes.Status422UnprocessableEntity, ProblemCodes.IdempotencyMismatch,
                    $"This {Header} was already used for a different request.");
            case IdempotencyOutcome.Replay:
                context.Response.Headers["Idempotent-Replayed"] = "true";
                if (decision.Location is { } replayLocation) context.Response.Headers.Location = replayLocation;
                return Results.Content(decision.Body, "application/json", Encoding.UTF8, decision.Status);
        }
        try
        {
            var (body, location) = await create(decision.OperationId);
            await grain.CompleteAsync(StatusCodes.Status201Created, JsonSerializer.Serialize(body, json.Value.SerializerOptions), location);
            return new JsonCreated<T>(location, body);
        }
        catch (QueueProblemException)
        {
            await grain.AbandonAsync(); // refused: a retry is judged afresh
            throw;
        }
    }

    private static string Hash(string fingerprint) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint)));
}

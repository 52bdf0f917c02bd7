using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CounterQueue.Web.Infrastructure;

/// <summary>
/// A small JSON request body read whole, then parsed in one synchronous call, for the API's hottest endpoint (ticket
/// issue: a body of a few dozen bytes). Minimal APIs parse an inferred body as a stream (an asynchronous deserializer over
/// the request's pipe), which cost about 4 % of a ticket's CPU under load and several allocations per request (issue #9's
/// profile). Same options, same limits (the API's body cap is enforced by Kestrel while reading), same answers: a body
/// that is not JSON by its media type is 415, an absent body 400, invalid JSON the serializer's exception (400 naming
/// the path, <see cref="ProblemExceptionHandler"/>). A type binds with it through a static <c>BindAsync</c>; its endpoint
/// declares the body with <c>Accepts</c> (the OpenAPI document, and routing's 415 for another media type, as before).
/// </summary>
public static class JsonBody
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    public static async ValueTask<T?> ReadAsync<T>(HttpContext context, string parameterName) where T : class
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
            throw new BadHttpRequestException($"Expected a supported JSON media type but got \"{request.ContentType}\".", StatusCodes.Status415UnsupportedMediaType);
        var reader = request.BodyReader;
        ReadResult read;
        try
        {
            while (true)
            {
                read = await reader.ReadAsync(context.RequestAborted);
                if (read.IsCompleted || read.IsCanceled) break;
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End); // nothing consumed: wait for the rest
            }
        }
        catch (IOException e) when (e is not BadHttpRequestException) // Kestrel's own (413 over the cap) pass as they are
        {
            throw new BadHttpRequestException("The request body could not be read.", StatusCodes.Status400BadRequest, e);
        }
        try
        {
            var body = read.Buffer;
            var value = body.IsEmpty ? null : Parse<T>(context, body);
            return value ?? throw new BadHttpRequestException(
                $"Implicit body inferred for parameter \"{parameterName}\" but no body was provided. Did you mean to use a Service instead?");
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    private static T? Parse<T>(HttpContext context, ReadOnlySequence<byte> body)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        ReadOnlySpan<byte> json = body.IsSingleSegment ? body.FirstSpan : body.ToArray(); // the API's cap keeps a copy small
        if (json.StartsWith(Utf8Bom)) json = json[Utf8Bom.Length..]; // as the stream reader does
        return JsonSerializer.Deserialize(json, typeInfo);
    }
}

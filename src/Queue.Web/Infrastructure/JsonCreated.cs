using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CounterQueue.Web.Infrastructure;

/// <summary>
/// 201 Created with a JSON body, as <c>TypedResults.Created</c> answers (same options, same bytes), but serialized in one
/// synchronous call and written with its length: the framework's result serializes asynchronously into the response and
/// flushes it, then ends a chunked body, where this hands Kestrel headers and body to send together when the request ends
/// (issue #9: the ticket's answer).
/// </summary>
public sealed class JsonCreated<T>(string location, T value) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>
{
    public int? StatusCode => StatusCodes.Status201Created;
    public T Value => value;
    object? IValueHttpResult.Value => value;

    public Task ExecuteAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var body = JsonSerializer.SerializeToUtf8Bytes(value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = location;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        response.BodyWriter.Write(body); // buffered; Kestrel sends it with the headers as the request ends
        return Task.CompletedTask;
    }
}

using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Security;

/// <summary>
/// Thousands of generated bad requests to every operation of the OpenAPI document — wrong types, huge and deeply nested JSON,
/// invalid UTF-8, control characters and emoji, boundary numbers and dates, unknown fields, wrong content types, ids that
/// are garbage or another office's — as an administrator (who reaches everything) and as nobody. Never a 5xx, always a
/// problem with a title, and afterwards the queue is exactly what the valid requests made it. An app of its own.
/// </summary>
public sealed partial class FuzzTests : IAsyncLifetime
{
    private readonly AppFixture _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static readonly string[] GarbagePathValues =
    [
        "..", "%2e%2e%2f%2e%2e", "%00", new string('x', 300), "😀", "' OR 1=1 --", "<script>", "%E3%81", "-1", "9999999999999999999999",
    ];

    /// <summary>Bodies no operation accepts: (content type, bytes).</summary>
    private static IEnumerable<(string Name, string? ContentType, byte[] Body)> BadBodies()
    {
        static byte[] U(string s) => Encoding.UTF8.GetBytes(s);
        yield return ("not json", "application/json", U("not json at all"));
        yield return ("wrong types", "application/json", U("""{"serviceId":12345,"priority":["x"],"toServiceId":{},"sessions":"x","roles":7,"start":true,"capacity":"many"}"""));
        yield return ("array", "application/json", U("[1,2,3]"));
        yield return ("null", "application/json", U("null"));
        yield return ("invalid utf-8", "application/json", [.. U("{\"serviceId\":\""), 0xff, 0xfe, 0xc3, .. U("\"}")]);
        yield return ("control and emoji", "application/json", U("""
            {"serviceId":"a\u0000\u0007😀","toServiceId":"😀","officeId":"\u0001","username":"😀\u0001","password":"x","date":"2026-02-30",
             "start":"9999-12-31T23:59:59+14:00","sessions":[{"date":"0001-01-01","opens":"25:61","closes":"-1"}],"roles":["😀"],
             "documentTypeId":"\u0000","topicId":"😀","effectiveFrom":"not-a-date","toFloor":"😀","sectionId":"\u202e","language":"\u0000"}
            """));
        yield return ("boundary numbers", "application/json", U("""
            {"serviceId":"a","capacity":2147483648,"slotMinutes":-1,"horizonDays":1e308,"busyWhenWaiting":-9223372036854775809,"cutoffMinutes":NaN}
            """));
        yield return ("huge string", "application/json", U($"{{\"serviceId\":\"{new string('a', 60_000)}\"}}"));
        yield return ("too big", "application/json", U($"{{\"serviceId\":\"{new string('a', 70_000)}\"}}"));
        yield return ("deep", "application/json", U("{\"x\":" + new string('[', 3000) + new string(']', 3000) + "}"));
        yield return ("unknown fields only", "application/json", U("""{"zzz":{"y":[1,2,{"__proto__":1}]}}"""));
        yield return ("xml", "application/xml", U("<ticket><serviceId>a</serviceId></ticket>"));
        yield return ("empty", "application/json", []);
        yield return ("no content type", null, U("""{"serviceId":"a"}""")); // the right shape, the wrong declaration
    }

    [GeneratedRegex(@"\{(\w+)\}")] private static partial Regex Parameter();

    private async Task<List<string>> WaitingAsync(HttpClient admin, string officeId) =>
        (await (await admin.GetAsync($"/api/offices/{officeId}/tickets?status=waiting")).ReadJsonAsync()).AsArray()
            .Select(t => $"{t!["serviceId"]} {t["number"]}").ToList();

    [Fact]
    public async Task Bad_requests_to_every_operation_never_answer_5xx_always_a_titled_problem_and_change_nothing()
    {
        var target = await _app.CreateOfficeAsync();
        var other = await _app.CreateOfficeAsync();
        using var admin = _app.AdminClient();
        using var nobody = _app.CreateClient();
        await admin.PostAsync($"/api/offices/{target.Id}/counters/c2/open", null);
        // c1 open already: the only valid requests among the fuzz are opening it with no body (an optional one), which keeps it so.
        await admin.PostAsync($"/api/offices/{target.Id}/counters/c1/open", null);
        var issued = new List<string>();
        for (var i = 0; i < 3; i++)
            issued.Add((await (await nobody.PostJsonAsync($"/api/offices/{target.Id}/tickets", new { serviceId = "a" })).ReadJsonAsync())["ticketId"]!.GetValue<string>());
        var before = await WaitingAsync(admin, target.Id);
        var counters = (await admin.GetStringAsync($"/api/offices/{target.Id}/counters"));

        var document = await (await nobody.GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(op => op.Key is "get" or "post" or "put" or "delete")
                .Select(op => (Method: op.Key.ToUpperInvariant(), Path: path.Key, HasBody: op.Value!["requestBody"] is not null,
                    BodyRequired: op.Value!["requestBody"]?["required"]?.GetValue<bool>() ?? false))).ToList();
        // Real ids of the target office where a body is fuzzed (so the body is what is wrong), another office's where a path is.
        var real = new Dictionary<string, string>
        {
            ["officeId"] = target.Id, ["branchId"] = target.Id, ["serviceId"] = "a", ["counterId"] = "c1", ["sectionId"] = "sec",
            ["ticketId"] = issued[0], ["bookingId"] = "x", ["id"] = "x", ["typeId"] = "x", ["relocationId"] = "x", ["code"] = "x", ["username"] = "x",
        };
        var failures = new List<string>();
        var sent = 0;
        async Task SendAsync(HttpClient client, string method, string path, (string Name, string? ContentType, byte[] Body)? body, string what, bool mayBeValid = false)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is { } b)
            {
                request.Content = new ByteArrayContent(b.Body);
                if (b.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", b.ContentType);
            }
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request);
            }
            catch (Exception e)
            {
                failures.Add($"{what}: {e.GetType().Name} {e.Message}");
                return;
            }
            sent++;
            var status = (int)response.StatusCode;
            if (status >= 500) failures.Add($"{what}: {status} {await response.Content.ReadAsStringAsync()}");
            else if (status >= 400)
            {
                var text = await response.Content.ReadAsStringAsync();
                if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || !text.Contains("\"title\":\"", StringComparison.Ordinal))
                    failures.Add($"{what}: {status} without a titled problem: {text[..Math.Min(200, text.Length)]}");
            }
            else if (method != "GET" && !mayBeValid)
                failures.Add($"{what}: {status} — a bad request was accepted");
        }

        foreach (var client in new[] { admin, nobody })
        {
            var who = client == admin ? "admin" : "nobody";
            foreach (var (method, template, hasBody, _) in operations)
            {
                foreach (var garbage in GarbagePathValues.Append(other.Id))
                {
                    if (!Parameter().IsMatch(template)) break;
                    var path = Parameter().Replace(template, m => m.Groups[1].Value is "officeId" or "branchId" && garbage == other.Id ? other.Id : garbage == other.Id ? "x" : Uri.EscapeDataString(garbage));
                    // Another office's id is not a bad request in itself: what matters is that it never reaches the target office.
                    await SendAsync(client, method, path, hasBody ? ("control and emoji", "application/json", Encoding.UTF8.GetBytes("{\"serviceId\":\"\\u0000\"}")) : null,
                        $"{who} {method} {path[..Math.Min(120, path.Length)]}", mayBeValid: garbage == other.Id);
                }
                if (!hasBody) continue;
                var realPath = Parameter().Replace(template, m => real[m.Groups[1].Value]);
                // An operation whose body is optional takes no body (or null) as "none given", as documented.
                var optional = operations.First(o => o.Method == method && o.Path == template).BodyRequired is false;
                foreach (var body in BadBodies())
                    await SendAsync(client, method, realPath, body, $"{who} {method} {template} [{body.Name}]", mayBeValid: optional && body.Name is "empty" or "null");
            }
        }
        Assert.True(sent > 1000, $"only {sent} requests were sent");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent}:\n" + string.Join("\n", failures.Take(60)));

        // Nothing changed: the same tickets wait, the counters are as they were, and numbering goes on from where it was.
        Assert.Equal(before, await WaitingAsync(admin, target.Id));
        Assert.Equal(counters, await admin.GetStringAsync($"/api/offices/{target.Id}/counters"));
        var next = await (await nobody.PostJsonAsync($"/api/offices/{target.Id}/tickets", new { serviceId = "a" })).ReadJsonAsync();
        Assert.Equal("A-004", next["number"]!.GetValue<string>());
    }
}

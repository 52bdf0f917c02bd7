using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CounterQueue.Tests.Support;
using CounterQueue.Web.Lobby;
using Microsoft.AspNetCore.SignalR.Client;

namespace CounterQueue.Tests.Security;

/// <summary>
/// docs/authorization.md is the authorization matrix: this test holds the app to it. It lists exactly the operations of
/// the OpenAPI document and the hub's methods, and each is called as anonymous, staff, guide and admin: allowed roles are
/// never refused with 401/403, the others always are, and nothing answers 5xx. An app of its own (the calls change things).
/// </summary>
public sealed partial class AuthorizationMatrixTests : IAsyncLifetime
{
    private static readonly string[] Roles = ["anonymous", "staff", "guide", "admin"];
    private readonly AppFixture _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [GeneratedRegex(@"^\| (GET|POST|PUT|DELETE|HUB) \| `([^`]+)` \| ([^|]+) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();

    private static Dictionary<string, string> Matrix()
    {
        var text = File.ReadAllText(Path.Combine(AppProcess.RepositoryRoot, "docs", "authorization.md"));
        var rows = Row().Matches(text).Select(m => ($"{m.Groups[1].Value} {m.Groups[2].Value}", m.Groups[3].Value.Trim())).ToList();
        Assert.Equal(rows.Count, rows.Select(r => r.Item1).Distinct().Count()); // no operation twice
        return rows.ToDictionary(r => r.Item1, r => r.Item2);
    }

    /// <summary>Whether <paramref name="role"/> may call an operation of <paramref name="who"/> (a column of the matrix).</summary>
    private static bool Allowed(string who, string role) => who switch
    {
        "anyone" or "holder" => true,
        "staff" or "staff (own branch or section)" => role is "staff" or "admin",
        "guide" => role is "guide" or "admin",
        "admin" => role == "admin",
        _ => throw new InvalidOperationException($"docs/authorization.md: unknown 'who' {who}"),
    };

    [Fact]
    public async Task Every_route_and_hub_method_answers_each_role_as_the_documented_matrix_says()
    {
        var matrix = Matrix();
        using var anonymous = _app.CreateClient();
        var document = await (await anonymous.GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(op => op.Key is "get" or "post" or "put" or "delete")
                .Select(op => $"{op.Key.ToUpperInvariant()} {path.Key}")).ToHashSet();
        var hubMethods = typeof(LobbyHub).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Select(m => $"HUB {m.Name}").ToHashSet();
        var documented = matrix.Keys.Select(k => k.StartsWith("HUB ", StringComparison.Ordinal) ? k[..k.IndexOf('(')] : k).ToHashSet();
        Assert.Empty(operations.Union(hubMethods).Except(documented)); // every route is in the matrix…
        Assert.Empty(documented.Except(operations).Except(hubMethods)); // …and the matrix names no route that is not there

        var office = await _app.CreateOfficeAsync();
        var clients = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = anonymous,
            ["staff"] = (await _app.SignedInAsync("staff")).Client,
            ["guide"] = (await _app.SignedInAsync("guide")).Client,
            ["admin"] = _app.AdminClient(),
        };
        var values = new Dictionary<string, string>
        {
            ["officeId"] = office.Id, ["branchId"] = office.Id, ["serviceId"] = "a", ["counterId"] = "c1", ["sectionId"] = "sec",
            ["ticketId"] = "not-a-ticket", ["bookingId"] = "not-a-booking", ["id"] = "not-an-id", ["typeId"] = "not-a-type",
            ["relocationId"] = "not-a-relocation", ["code"] = "ABCD-EFGH", ["username"] = "nobody-at-all",
        };
        var failures = new List<string>();
        foreach (var operation in operations.Order(StringComparer.Ordinal))
        {
            var who = matrix[operation];
            var method = operation[..operation.IndexOf(' ')];
            var path = Regex.Replace(operation[(method.Length + 1)..], @"\{(\w+)\}", m => Uri.EscapeDataString(values[m.Groups[1].Value]));
            foreach (var role in Roles)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                var response = await clients[role].SendAsync(request);
                var status = (int)response.StatusCode;
                var allowed = Allowed(who, role);
                var ok = status < 500 && (allowed
                    ? status is not (401 or 403) || (status == 403 && who == "staff (own branch or section)")
                    : status == (role == "anonymous" ? 401 : 403));
                if (!ok) failures.Add($"{operation} as {role} ({who}): {status}");
                if (status >= 400 && response.Content.Headers.ContentType?.MediaType == "application/problem+json")
                {
                    var problem = await response.ReadJsonAsync();
                    if (string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>())) failures.Add($"{operation} as {role}: a problem without a title");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // The hub: anyone subscribes; the holder of a ticket id follows it (nobody else can, not knowing it).
        var ticket = await (await anonymous.PostJsonAsync($"/api/offices/{office.Id}/tickets", new { serviceId = "a" })).ReadJsonAsync();
        await using var lobby = await LobbyClient.ConnectAsync(_app.Server);
        await lobby.Connection.InvokeAsync("Subscribe", office.Id, null);
        var followed = await lobby.Connection.InvokeAsync<JsonElementHolder>("FollowTicket", ticket["ticketId"]!.GetValue<string>());
        Assert.Equal(ticket["number"]!.GetValue<string>(), followed.Number);
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => lobby.Connection.InvokeAsync<JsonElementHolder>("FollowTicket", "a-guessed-id"));
    }

    private sealed record JsonElementHolder(string Number);
}

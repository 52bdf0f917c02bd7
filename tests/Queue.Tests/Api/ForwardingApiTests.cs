using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Api;

/// <summary>Document forwarding (書類回送) between the demo branches and the ward office's sections, with each role's limits.</summary>
[Collection(AppCollection.Name)]
public sealed class ForwardingApiTests(AppFixture app)
{
    private async Task<HttpClient> StaffAsync(string officeId, string? sectionId = null) => (await app.SignedInAsync("staff", officeId, sectionId)).Client;

    private static async Task<string> CodeAsync(HttpResponseMessage response) => (await response.ReadJsonAsync())["code"]!.GetValue<string>();

    [Fact]
    public async Task A_paper_goes_from_the_branch_to_its_section_and_back_each_step_by_the_right_people_with_who_and_when()
    {
        using var branch = await StaffAsync("daishi");
        using var elderly = await StaffAsync("kawasaki", "elderly-disability");
        using var children = await StaffAsync("kawasaki", "children");
        using var tajima = await StaffAsync("tajima");

        var types = (await (await branch.GetAsync("/api/forwarding/document-types")).ReadJsonAsync()).AsArray();
        Assert.Contains(types, t => t!["id"]!.GetValue<string>() == "care-certification" && t["forwardable"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/forwarding/document-types")).StatusCode);

        var first = await (await branch.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = "care-certification", residentName = "川崎 太郎" })).ReadJsonAsync();
        var second = await (await branch.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = "care-certification" })).ReadJsonAsync();
        Assert.Equal(second["serialNumber"]!.GetValue<int>(), first["serialNumber"]!.GetValue<int>() + 1);
        Assert.Equal(("accepted", "elderly-disability"), (first["status"]!.GetValue<string>(), first["sectionId"]!.GetValue<string>()));
        Assert.Matches(@"^20\d\d-\d{4}$", first["serial"]!.GetValue<string>());
        var (id1, id2) = (first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());

        var refused = await branch.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = "welfare-application" });
        Assert.Equal((HttpStatusCode.Conflict, "not-forwardable"), (refused.StatusCode, await CodeAsync(refused)));
        Assert.Equal(HttpStatusCode.NotFound, (await branch.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = "nope" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await branch.PostJsonAsync("/api/offices/daishi/forwarding", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tajima.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = "care-certification" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await elderly.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = "care-certification" })).StatusCode);

        // Out of order, or by the wrong people.
        var early = await elderly.PostAsync($"/api/forwarding/{id1}/receive", null);
        Assert.Equal((HttpStatusCode.Conflict, "forwarding-out-of-order"), (early.StatusCode, await CodeAsync(early)));
        Assert.Equal(HttpStatusCode.Forbidden, (await elderly.PostAsync($"/api/forwarding/{id1}/dispatch", null)).StatusCode);

        // ③ One bag with the internal mail.
        var bag = await branch.PostJsonAsync("/api/offices/daishi/forwarding/dispatch", new { itemIds = new[] { id1, id2 } });
        Assert.Equal(HttpStatusCode.OK, bag.StatusCode);
        Assert.All((await bag.ReadJsonAsync()).AsArray(), i => Assert.Equal("dispatched", i!["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await branch.PostJsonAsync("/api/offices/daishi/forwarding/dispatch", new { itemIds = new[] { id1, "tajima.x.2026.0001" } })).StatusCode);

        // ④ The section marks it received; a branch or another section cannot.
        Assert.Equal(HttpStatusCode.Forbidden, (await branch.PostAsync($"/api/forwarding/{id1}/receive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await children.PostAsync($"/api/forwarding/{id1}/receive", null)).StatusCode); // not even seen
        var received = await (await elderly.PostAsync($"/api/forwarding/{id1}/receive", null)).ReadJsonAsync();
        Assert.Equal("received", received["status"]!.GetValue<string>());
        Assert.StartsWith("staff-", received["receivedBy"]!.GetValue<string>());
        Assert.NotNull(received["receivedAt"]);

        // ⑤ The branch completes it; the other is not yet received.
        Assert.Equal("completed", (await (await branch.PostAsync($"/api/forwarding/{id1}/complete", null)).ReadJsonAsync())["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await branch.PostAsync($"/api/forwarding/{id2}/complete", null)).StatusCode);

        // The ledgers: the branch's; the section's (no names, only its own); another section's sees none of them.
        var ledger = (await (await branch.GetAsync("/api/offices/daishi/forwarding")).ReadJsonAsync()).AsArray();
        Assert.Contains(ledger, i => i!["id"]!.GetValue<string>() == id1 && i["status"]!.GetValue<string>() == "completed" && i["completedBy"] is not null);
        var sectionLedger = (await (await elderly.GetAsync("/api/offices/kawasaki/forwarding")).ReadJsonAsync()).AsArray();
        Assert.Contains(sectionLedger, i => i!["id"]!.GetValue<string>() == id2);
        Assert.DoesNotContain("川崎 太郎", sectionLedger.ToJsonString());
        Assert.DoesNotContain((await (await children.GetAsync("/api/offices/kawasaki/forwarding")).ReadJsonAsync()).AsArray(), i => i!["id"]!.GetValue<string>() == id1);
        Assert.Equal(HttpStatusCode.Forbidden, (await tajima.GetAsync("/api/offices/daishi/forwarding")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await branch.GetAsync("/api/offices/daishi/forwarding?month=2026-13")).StatusCode);
        var csvRequest = new HttpRequestMessage(HttpMethod.Get, "/api/offices/daishi/forwarding");
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        var csv = await branch.SendAsync(csvRequest);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.StartsWith("\uFEFF番号,書類,担当課", text);
        Assert.Contains("介護保険要介護・要支援認定申請", text);
    }

    [Fact]
    public async Task Serial_numbers_under_concurrency_are_each_given_once_in_order()
    {
        using var tajima = await StaffAsync("tajima");
        var responses = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => tajima.PostJsonAsync("/api/offices/tajima/forwarding", new { documentTypeId = "asset-declaration" })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var serials = (await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync())["serialNumber"]!.GetValue<int>()))).Order().ToList();
        Assert.Equal(Enumerable.Range(serials[0], 25), serials);
    }

    [Fact]
    public async Task An_administrator_adds_and_changes_a_document_type_and_branches_use_it_at_once()
    {
        using var admin = app.AdminClient();
        using var branch = await StaffAsync("daishi");
        var typeId = $"t-{Guid.NewGuid():N}"[..14];
        var path = $"/api/admin/forwarding/document-types/{typeId}";
        var type = new { id = typeId, sectionId = "insurance-pension", name = new { ja = "国民年金免除申請", en = "National pension exemption" }, forwardable = true };
        Assert.Equal(HttpStatusCode.Forbidden, (await branch.PutAsJsonAsync(path, type)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"/api/admin/forwarding/document-types/other", type)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync(path, type with { sectionId = "nowhere" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync(path, type with { name = new { ja = "", en = "x" } })).StatusCode);
        var set = await admin.PutAsJsonAsync(path, type);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("保険年金課", (await set.ReadJsonAsync())["sectionName"]!["ja"]!.GetValue<string>());
        Assert.Contains((await (await branch.GetAsync("/api/forwarding/document-types")).ReadJsonAsync()).AsArray(), t => t!["id"]!.GetValue<string>() == typeId);
        Assert.Equal(HttpStatusCode.Created, (await branch.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = typeId })).StatusCode);

        // No longer forwarded: refused with the reason.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(path, type with { forwardable = false })).StatusCode);
        var refused = await branch.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = typeId });
        Assert.Equal((HttpStatusCode.Conflict, "not-forwardable"), (refused.StatusCode, await CodeAsync(refused)));
    }
}

using System.Globalization;
using System.Security.Claims;
using System.Text;
using CounterQueue.Domain;
using CounterQueue.Domain.Forwarding;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Forwarding;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Offices;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CounterQueue.Web.Forwarding;

public sealed record AcceptRequest(string? DocumentTypeId, string? ResidentName);

public sealed record DispatchRequest(IReadOnlyList<string>? ItemIds);

/// <summary>A forwarded paper as the API shows it: the ledger line, its serial as printed, and whether it is overdue.</summary>
public sealed record ForwardingView(string Id, string Serial, int SerialNumber, int FiscalYear, string DocumentTypeId, LocalizedText? DocumentTypeName,
    string SectionId, string BranchId, ForwardingStatus Status, DateTimeOffset AcceptedAt, string AcceptedBy, DateTimeOffset? DispatchedAt, string? DispatchedBy,
    DateTimeOffset? ReceivedAt, string? ReceivedBy, DateTimeOffset? CompletedAt, string? CompletedBy, bool Overdue, DateTimeOffset DueBy, string? ResidentName,
    LocalizedText? SectionName);

/// <summary>A document type as api.md lists it, with its section's name.</summary>
public sealed record DocumentTypeView(string Id, LocalizedText Name, string SectionId, LocalizedText? SectionName, bool Forwardable, LocalizedText? Note);

/// <summary>
/// Document forwarding (書類回送, api.md "Branches and the ward office"): a branch accepts a paper and numbers it per type and
/// fiscal year, dispatches it with the internal mail, the section marks it received, the branch completes it. Branch
/// staff act only for their branch, section staff only for their section; every step is recorded with who and when.
/// </summary>
public static class ForwardingApi
{
    public static WebApplicationBuilder AddForwarding(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DocumentTypeCatalog>();
        builder.Services.AddHostedService<DocumentTypeSeeder>();
        builder.Services.AddSingleton<Context>();
        builder.Services.AddSingleton<ForwardingNamePurge>();
        return builder;
    }

    public static WebApplication MapForwardingApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").WithTags("Document forwarding").RequireAuthorization(IdentityApi.StaffPolicy);
        api.MapGet("/forwarding/document-types", DocumentTypesAsync);
        app.MapPut("/api/admin/forwarding/document-types/{typeId}", SetTypeAsync).WithTags("Administration").RequireAuthorization(IdentityApi.AdminPolicy);
        api.MapPost("/offices/{branchId}/forwarding", AcceptAsync);
        api.MapPost("/offices/{branchId}/forwarding/dispatch", DispatchManyAsync);
        api.MapGet("/offices/{officeId}/forwarding", LedgerAsync);
        api.MapGet("/forwarding/{id}", GetAsync);
        api.MapPost("/forwarding/{id}/dispatch", (string id, ClaimsPrincipal user, IGrainFactory grains, Context context) => StepAsync(id, ForwardingStep.Dispatch, user, grains, context));
        api.MapPost("/forwarding/{id}/receive", (string id, ClaimsPrincipal user, IGrainFactory grains, Context context) => StepAsync(id, ForwardingStep.Receive, user, grains, context));
        api.MapPost("/forwarding/{id}/complete", (string id, ClaimsPrincipal user, IGrainFactory grains, Context context) => StepAsync(id, ForwardingStep.Complete, user, grains, context));
        return app;
    }

    /// <summary>What the endpoints need besides grains: the types, the offices, the clock and the settings.</summary>
    public sealed class Context(DocumentTypeCatalog types, OfficeCatalog catalog, TimeProvider time, IOptions<QueueOptions> options)
    {
        public DocumentTypeCatalog Types { get; } = types;
        public OfficeCatalog Catalog { get; } = catalog;
        public TimeProvider Time { get; } = time;
        public QueueOptions Options { get; } = options.Value;
    }

    private static async Task<Ok<List<DocumentTypeView>>> DocumentTypesAsync(Context context)
    {
        var list = await context.Types.GetAsync();
        var ward = await context.Catalog.FindAsync(list.WardOfficeId);
        return TypedResults.Ok(list.DocumentTypes.Select(t => new DocumentTypeView(t.Id, t.Name, t.SectionId, ward?.FindSection(t.SectionId)?.Name, t.Forwardable, t.Note)).ToList());
    }

    /// <summary>
    /// An administrator adds a document type or changes one (its name, its section at the ward office, whether it may be
    /// forwarded and why not). Items already accepted keep their type and section.
    /// </summary>
    private static async Task<Ok<DocumentTypeView>> SetTypeAsync(string typeId, DocumentType type, Context context)
    {
        if (type.Id != typeId) throw Validate.Invalid("The body's 'id' must match the type id in the path.");
        if (!OfficeDefinitionValidator.IsValidId(type.Id) || type.Id.Length > 60) throw Validate.Invalid("'id' must be lowercase letters, digits or '-'.");
        if (type.Name is null || string.IsNullOrWhiteSpace(type.Name.Ja) || string.IsNullOrWhiteSpace(type.Name.En) || type.Name.Ja.Length > 100)
            throw Validate.Invalid("'name' needs Japanese and English of at most 100 characters.");
        var list = await context.Types.GetAsync();
        var ward = await context.Catalog.RequireAsync(list.WardOfficeId);
        var section = ward.FindSection(type.SectionId)
                      ?? throw QueueRuleException.NotFound(ProblemCodes.SectionNotFound, $"The ward office has no section '{type.SectionId}'.");
        await context.Types.SetAsync(type);
        return TypedResults.Ok(new DocumentTypeView(type.Id, type.Name, type.SectionId, section.Name, type.Forwardable, type.Note));
    }

    // ---- who may do what
    private static string? OfficeOf(ClaimsPrincipal user) => user.FindFirst(TokenIssuer.OfficeClaim)?.Value;
    private static string? SectionOf(ClaimsPrincipal user) => user.FindFirst(TokenIssuer.SectionClaim)?.Value;
    private static bool IsAdmin(ClaimsPrincipal user) => user.IsInRole(CounterQueue.Silo.Identity.Roles.Admin);
    private static string Who(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    private static void RequireBranchStaff(ClaimsPrincipal user, string branchId)
    {
        if (!IsAdmin(user) && OfficeOf(user) != branchId)
            throw QueueRuleException.Forbidden($"Only staff of branch '{branchId}' handle its forwarding.");
    }

    private static void RequireSectionStaff(ClaimsPrincipal user, ForwardingItem item)
    {
        if (!IsAdmin(user) && (OfficeOf(user) != item.WardOfficeId || SectionOf(user) != item.SectionId))
            throw QueueRuleException.Forbidden("Only staff of the receiving section mark a paper received.");
    }

    private static bool Sees(ClaimsPrincipal user, ForwardingItem item) =>
        IsAdmin(user) || OfficeOf(user) == item.BranchId || (OfficeOf(user) == item.WardOfficeId && SectionOf(user) == item.SectionId);

    // ---- the steps
    /// <summary>① ② A branch accepts a paper (預かり書): the next serial number of its type this fiscal year, never reused.</summary>
    private static async Task<Created<ForwardingView>> AcceptAsync(string branchId, AcceptRequest request, ClaimsPrincipal user, IGrainFactory grains, Context context)
    {
        var branch = await context.Catalog.RequireAsync(branchId);
        RequireBranchStaff(user, branch.Id);
        if (branch.Kind != OfficeKind.Branch) throw Validate.Invalid("Papers are forwarded from a branch (支所) to the ward office.");
        var typeId = Validate.Required(request.DocumentTypeId, "documentTypeId", 60);
        var type = await context.Types.FindAsync(typeId) ?? throw QueueRuleException.NotFound(ProblemCodes.DocumentTypeNotFound, $"There is no document type '{typeId}'.");
        if (!type.Forwardable)
            throw QueueRuleException.Conflict(ProblemCodes.NotForwardable, $"'{type.Name.En}' is not forwarded: {type.Note?.En ?? "take it to the ward office"}.");
        var name = request.ResidentName?.Trim();
        if (name is { Length: 0 }) name = null;
        if (name is { Length: > 100 } || name?.Any(char.IsControl) == true) throw Validate.Invalid("'residentName' must be at most 100 characters.");
        var now = context.Time.GetUtcNow();
        var fiscalYear = ForwardingRules.FiscalYearOf(now);
        var serial = await grains.GetGrain<IForwardingSerialGrain>(ForwardingSerialGrain.Key(branch.Id, type.Id, fiscalYear)).NextAsync();
        var id = ForwardingRules.ItemId(branch.Id, type.Id, fiscalYear, serial);
        var item = await grains.GetGrain<IForwardingItemGrain>(id).CreateAsync(new ForwardingItem
        {
            Id = id, Serial = serial, FiscalYear = fiscalYear, DocumentTypeId = type.Id, SectionId = type.SectionId, BranchId = branch.Id,
            WardOfficeId = (await context.Types.GetAsync()).WardOfficeId, AcceptedAt = now, AcceptedBy = Who(user), ResidentName = name,
        });
        return TypedResults.Created($"/api/forwarding/{id}", await ViewAsync(item, context));
    }

    /// <summary>③ The day's papers go in one bag with the internal mail (庁内便): dispatches each listed item of the branch.</summary>
    private static async Task<Ok<List<ForwardingView>>> DispatchManyAsync(string branchId, DispatchRequest request, ClaimsPrincipal user, IGrainFactory grains, Context context)
    {
        var branch = await context.Catalog.RequireAsync(branchId);
        RequireBranchStaff(user, branch.Id);
        if (request.ItemIds is not { Count: > 0 and <= 500 } ids || ids.Any(id => !IsItemId(id))) throw Validate.Invalid("'itemIds' must list 1-500 item ids.");
        var items = await Task.WhenAll(ids.Distinct().Select(async id => (Id: id, Item: await grains.GetGrain<IForwardingItemGrain>(id).GetAsync())));
        // All or nothing: an id that is not this branch's stops the whole bag before anything is dispatched.
        if (items.FirstOrDefault(i => i.Item is null || i.Item.BranchId != branch.Id) is { Id: not null } stranger)
            throw QueueRuleException.NotFound(ProblemCodes.ForwardingNotFound, $"Branch '{branch.Id}' has no forwarded item '{stranger.Id}'.");
        var done = await Task.WhenAll(items.Select(i => grains.GetGrain<IForwardingItemGrain>(i.Id).StepAsync(ForwardingStep.Dispatch, Who(user))));
        return TypedResults.Ok((await Task.WhenAll(done.Select(i => ViewAsync(i, context)))).ToList());
    }

    private static async Task<Ok<ForwardingView>> GetAsync(string id, ClaimsPrincipal user, IGrainFactory grains, Context context)
    {
        var item = await FindAsync(id, grains);
        if (!Sees(user, item)) throw NotFound();
        return TypedResults.Ok(await ViewAsync(item, context));
    }

    /// <summary>③ dispatch and ⑤ complete by the branch; ④ receive by the section. A step out of order is a 409.</summary>
    private static async Task<Ok<ForwardingView>> StepAsync(string id, ForwardingStep step, ClaimsPrincipal user, IGrainFactory grains, Context context)
    {
        var item = await FindAsync(id, grains);
        if (!Sees(user, item)) throw NotFound();
        if (step == ForwardingStep.Receive) RequireSectionStaff(user, item);
        else RequireBranchStaff(user, item.BranchId);
        return TypedResults.Ok(await ViewAsync(await grains.GetGrain<IForwardingItemGrain>(id).StepAsync(step, Who(user)), context));
    }

    /// <summary>
    /// The ledger (回送管理簿) of a month: a branch's items for its staff; at the ward office, the user's section's items
    /// (an administrator sees every section, or one with <c>sectionId</c>). <c>Accept: text/csv</c> gives CSV.
    /// </summary>
    private static async Task<IResult> LedgerAsync(string officeId, string? month, string? sectionId, HttpContext http, ClaimsPrincipal user, IGrainFactory grains, Context context)
    {
        var office = await context.Catalog.RequireAsync(officeId);
        var first = Month(month, context.Time);
        IReadOnlyList<ForwardingItem> items;
        if (office.Kind == OfficeKind.Branch)
        {
            RequireBranchStaff(user, office.Id);
            items = await grains.GetGrain<IForwardingLedgerGrain>(ForwardingLedgerGrain.BranchKey(office.Id, first)).ListAsync();
        }
        else
        {
            var sections = IsAdmin(user)
                ? sectionId is null ? office.Sections.Select(s => s.Id).ToList() : [sectionId]
                : OfficeOf(user) == office.Id && SectionOf(user) is { } own ? [own] : throw QueueRuleException.Forbidden("Only a section's staff see the papers forwarded to it.");
            var lists = await Task.WhenAll(sections.Select(s => grains.GetGrain<IForwardingLedgerGrain>(ForwardingLedgerGrain.SectionKey(office.Id, s, first)).ListAsync()));
            items = lists.SelectMany(l => l).OrderBy(i => i.AcceptedAt).ToList();
        }
        var views = (await Task.WhenAll(items.Select(i => ViewAsync(i, context)))).ToList();
        if (CsvFile.Wanted(http, null)) return CsvFile.Download(Csv(views), $"forwarding-{office.Id}-{first:yyyy-MM}.csv");
        return TypedResults.Ok(views);
    }

    private static DateOnly Month(string? month, TimeProvider time)
    {
        if (string.IsNullOrEmpty(month))
        {
            var today = CounterQueue.Domain.Calendar.Tokyo.DateOf(time.GetUtcNow());
            return new DateOnly(today.Year, today.Month, 1);
        }
        if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
            throw Validate.Invalid("'month' must be YYYY-MM.");
        return first;
    }

    private static async Task<ForwardingItem> FindAsync(string id, IGrainFactory grains)
    {
        if (!IsItemId(id)) throw NotFound();
        return await grains.GetGrain<IForwardingItemGrain>(id).GetAsync() ?? throw NotFound();
    }

    /// <summary>Could be an item's id (so nothing is activated for a string that cannot be one).</summary>
    private static bool IsItemId(string? id) => !string.IsNullOrEmpty(id) && id.Length <= 160 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-');

    private static QueueRuleException NotFound() => QueueRuleException.NotFound(ProblemCodes.ForwardingNotFound, "No such forwarded item.");

    private static async Task<ForwardingView> ViewAsync(ForwardingItem item, Context context)
    {
        var ward = await context.Catalog.FindAsync(item.WardOfficeId);
        var hours = ward?.Hours ?? new CounterQueue.Domain.Calendar.OfficeSchedule { Weekdays = CounterQueue.Domain.Calendar.DailyHours.Parse("08:30", "17:00") };
        var days = context.Options.ForwardingOverdueBusinessDays;
        return new ForwardingView(item.Id, ForwardingRules.SerialText(item), item.Serial, item.FiscalYear, item.DocumentTypeId, (await context.Types.FindAsync(item.DocumentTypeId))?.Name,
            item.SectionId, item.BranchId, item.Status, item.AcceptedAt, item.AcceptedBy, item.DispatchedAt, item.DispatchedBy, item.ReceivedAt, item.ReceivedBy,
            item.CompletedAt, item.CompletedBy, ForwardingRules.IsOverdue(item, context.Time.GetUtcNow(), hours, days), ForwardingRules.DueBy(item, hours, days), item.ResidentName,
            ward?.FindSection(item.SectionId)?.Name);
    }

    /// <summary>The ledger as CSV (Excel opens UTF-8 with its BOM): one line per paper, each step's time and who.</summary>
    private static StringBuilder Csv(IEnumerable<ForwardingView> items)
    {
        static string Cell(object? value) => value switch
        {
            null => "",
            DateTimeOffset at => CounterQueue.Domain.Calendar.Tokyo.ToLocal(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            _ => CsvFile.Text(Convert.ToString(value, CultureInfo.InvariantCulture)),
        };
        var csv = new StringBuilder("番号,書類,担当課,支所,状態,預かり日時,預かり者,送付日時,送付者,受取日時,受取者,完了日時,完了者,期限超過\r\n");
        foreach (var i in items)
            csv.AppendJoin(',', Cell(i.Serial), Cell(i.DocumentTypeName?.Ja ?? i.DocumentTypeId), Cell(i.SectionName?.Ja ?? i.SectionId), Cell(i.BranchId), Cell(i.Status.ToString()),
                Cell(i.AcceptedAt), Cell(i.AcceptedBy), Cell(i.DispatchedAt), Cell(i.DispatchedBy), Cell(i.ReceivedAt), Cell(i.ReceivedBy),
                Cell(i.CompletedAt), Cell(i.CompletedBy), Cell(i.Overdue ? "期限超過" : "")).Append("\r\n");
        return csv;
    }
}

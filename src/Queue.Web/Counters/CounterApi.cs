using CounterQueue.Silo.Counters;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CounterQueue.Web.Counters;

public sealed record OpenCounterRequest(IReadOnlyList<string>? ServiceIds);
public sealed record TransferRequest(string? ToServiceId);
public sealed record CounterActionResponse(TicketView Ticket, CounterView Counter);

/// <summary>What counter staff do at their window (窓口).</summary>
public static class CounterApi
{
    public static WebApplication MapCounterApi(this WebApplication app)
    {
        var counter = app.MapGroup("/api/offices/{officeId}/counters/{counterId}").WithTags("Counters")
            .RequireAuthorization(IdentityApi.StaffPolicy);
        counter.MapPost("/open", OpenAsync);
        counter.MapPost("/pause", (string officeId, string counterId, OfficeCatalog catalog, CounterService counters) =>
            ChangeAsync(officeId, counterId, catalog, counters, c => c.PauseAsync()));
        counter.MapPost("/close", (string officeId, string counterId, OfficeCatalog catalog, CounterService counters) =>
            ChangeAsync(officeId, counterId, catalog, counters, c => c.CloseAsync()));
        counter.MapPost("/call-next", CallNextAsync);
        counter.MapPost("/recall", (string officeId, string counterId, OfficeCatalog catalog, CounterService counters) =>
            ActAsync(officeId, counterId, catalog, counters, c => c.RecallAsync()));
        counter.MapPost("/start", (string officeId, string counterId, OfficeCatalog catalog, CounterService counters) =>
            ActAsync(officeId, counterId, catalog, counters, c => c.StartAsync()));
        counter.MapPost("/complete", (string officeId, string counterId, OfficeCatalog catalog, CounterService counters) =>
            ActAsync(officeId, counterId, catalog, counters, c => c.CompleteAsync()));
        counter.MapPost("/no-show", (string officeId, string counterId, OfficeCatalog catalog, CounterService counters) =>
            ActAsync(officeId, counterId, catalog, counters, c => c.NoShowAsync()));
        counter.MapPost("/transfer", TransferAsync);
        return app;
    }

    private static async Task<ICounterGrain> CounterAsync(string officeId, string counterId, OfficeCatalog catalog, CounterService counters) =>
        counters.Get(await catalog.RequireAsync(officeId), counterId);

    private static async Task<Ok<CounterView>> OpenAsync(string officeId, string counterId, OpenCounterRequest? request,
        OfficeCatalog catalog, CounterService counters)
    {
        if (request?.ServiceIds is { } ids && (ids.Count > 50 || ids.Any(string.IsNullOrWhiteSpace)))
            throw Validate.Invalid("'serviceIds' must list service ids.");
        var counter = await CounterAsync(officeId, counterId, catalog, counters);
        return TypedResults.Ok(await counter.OpenAsync(request?.ServiceIds));
    }

    private static async Task<Ok<CounterView>> ChangeAsync(string officeId, string counterId, OfficeCatalog catalog,
        CounterService counters, Func<ICounterGrain, Task<CounterView>> change) =>
        TypedResults.Ok(await change(await CounterAsync(officeId, counterId, catalog, counters)));

    /// <summary>Calls the next ticket: 200 with it, or 204 when nobody waits.</summary>
    private static async Task<Results<Ok<CounterActionResponse>, NoContent>> CallNextAsync(string officeId, string counterId,
        OfficeCatalog catalog, CounterService counters)
    {
        var counter = await CounterAsync(officeId, counterId, catalog, counters);
        var ticket = await counter.CallNextAsync();
        if (ticket is null) return TypedResults.NoContent();
        return TypedResults.Ok(new CounterActionResponse(ticket, await counter.GetAsync()));
    }

    private static async Task<Ok<CounterActionResponse>> ActAsync(string officeId, string counterId, OfficeCatalog catalog,
        CounterService counters, Func<ICounterGrain, Task<TicketView>> act)
    {
        var counter = await CounterAsync(officeId, counterId, catalog, counters);
        var ticket = await act(counter);
        return TypedResults.Ok(new CounterActionResponse(ticket, await counter.GetAsync()));
    }

    /// <summary>回付: the ticket in hand goes to another service keeping its number and its place.</summary>
    private static async Task<Ok<CounterActionResponse>> TransferAsync(string officeId, string counterId, TransferRequest request,
        OfficeCatalog catalog, CounterService counters)
    {
        var toServiceId = Validate.Required(request.ToServiceId, "toServiceId", 40);
        return await ActAsync(officeId, counterId, catalog, counters, c => c.TransferAsync(toServiceId));
    }
}

using CounterQueue.Domain;
using CounterQueue.Domain.Tickets;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using CounterQueue.Web.Security;

namespace CounterQueue.Web.Tickets;

public sealed record IssueTicketRequest(string? ServiceId, Priority? Priority, string? Language)
{
    /// <summary>Read whole and parsed in one call (<see cref="JsonBody"/>): the API's hottest body.</summary>
    public static ValueTask<IssueTicketRequest?> BindAsync(HttpContext context) => JsonBody.ReadAsync<IssueTicketRequest>(context, "request");
}
public sealed record RedirectRequest(string? ToServiceId);

public static class TicketApi
{
    public static WebApplication MapTicketApi(this WebApplication app)
    {
        var tickets = app.MapGroup("/api").WithTags("Tickets");
        tickets.MapPost("/offices/{officeId}/tickets", IssueAsync).Accepts<IssueTicketRequest>("application/json").WithMetadata(new RateLimited(RateLimitCategory.Issue));
        tickets.MapGet("/tickets/{ticketId}", GetAsync);
        tickets.MapDelete("/tickets/{ticketId}", CancelAsync);
        tickets.MapPost("/tickets/{ticketId}/ready", ReadyAsync).RequireAuthorization(IdentityApi.StaffPolicy);
        tickets.MapGet("/offices/{officeId}/pickup", PickupAsync);

        var guides = app.MapGroup("/api").WithTags("Floor guides").RequireAuthorization(IdentityApi.GuidePolicy);
        guides.MapGet("/offices/{officeId}/tickets", ListAsync);
        guides.MapPost("/tickets/{ticketId}/redirect", RedirectAsync);
        return app;
    }

    /// <summary>
    /// The pick-up board (交付待ち): numbers whose processing is done and that wait to be collected, the earliest
    /// ready first, as the lobby's <c>PickupReady</c> events carry them (numbers only, no ticket ids). Displays read it
    /// on load and after a reconnect.
    /// </summary>
    private static async Task<Ok<IReadOnlyList<CounterQueue.Silo.Lobby.PickupReady>>> PickupAsync(string officeId, OfficeCatalog catalog, TicketService tickets) =>
        TypedResults.Ok(await tickets.ListReadyForPickupAsync(await catalog.RequireAsync(officeId)));

    /// <summary>Issues a numbered ticket (番号札). Send an Idempotency-Key so a retried request never prints two.</summary>
    private static async Task<IResult> IssueAsync(string officeId, IssueTicketRequest request, HttpContext context,
        OfficeCatalog catalog, TicketService tickets, Idempotency idempotency)
    {
        var office = await catalog.RequireAsync(officeId);
        var serviceId = Validate.Required(request.ServiceId, "serviceId", 40);
        office.RequireService(serviceId);
        var priority = request.Priority ?? Priority.Normal;
        var language = Validate.Language(request.Language);
        return await idempotency.RunAsync(context, $"tickets:{office.Id}", $"{serviceId}|{priority}|{language}",
            tickets.NewTicketId(office.Id, serviceId),
            ticketId => tickets.IssueAsync(ticketId, priority, language),
            static ticket => $"/api/tickets/{ticket.TicketId}");
    }

    private static async Task<Ok<TicketView>> GetAsync(string ticketId, TicketService tickets) =>
        TypedResults.Ok((await tickets.RequireAsync(ticketId)).Ticket);

    /// <summary>The visitor gives up their ticket.</summary>
    private static async Task<NoContent> CancelAsync(string ticketId, TicketService tickets)
    {
        await tickets.CancelAsync(ticketId);
        return TypedResults.NoContent();
    }

    /// <summary>Processing is finished: the ticket waits for pick-up (交付).</summary>
    private static async Task<Ok<TicketView>> ReadyAsync(string ticketId, TicketService tickets) =>
        TypedResults.Ok(await tickets.ReadyAsync(ticketId));

    /// <summary>The waiting tickets of an office, oldest first.</summary>
    private static async Task<Ok<IReadOnlyList<TicketView>>> ListAsync(string officeId, string? status,
        OfficeCatalog catalog, TicketService tickets)
    {
        if (status is not (null or "waiting")) throw Validate.Invalid("'status' can only be \"waiting\".");
        var office = await catalog.RequireAsync(officeId);
        return TypedResults.Ok(await tickets.ListWaitingAsync(office));
    }

    /// <summary>A guide sends a ticket taken for the wrong place to the right service; it keeps its time.</summary>
    private static async Task<Ok<TicketView>> RedirectAsync(string ticketId, RedirectRequest request, TicketService tickets, System.Security.Claims.ClaimsPrincipal user)
    {
        var toServiceId = Validate.Required(request.ToServiceId, "toServiceId", 40);
        return TypedResults.Ok(await tickets.RedirectAsync(ticketId, toServiceId, user.Identity?.Name ?? "unknown"));
    }
}

public static class TicketingExtensions
{
    public static WebApplicationBuilder AddTicketing(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Idempotency>();
        return builder;
    }
}

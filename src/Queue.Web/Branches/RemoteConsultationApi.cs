using CounterQueue.Domain;
using CounterQueue.Domain.Tickets;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;
using CounterQueue.Web.Infrastructure;
using CounterQueue.Web.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using CounterQueue.Web.Security;

namespace CounterQueue.Web.Branches;

public sealed record RemoteRequest(string? TopicId, string? Language);

/// <summary>The booth's answer: the ticket in the section's line at the ward office, and where the video call will be.</summary>
public sealed record RemoteRequestResult(TicketView Ticket, string? VideoUrl);

/// <summary>
/// Remote consultation from the branches (オンライン相談, api.md "Branches and the ward office"): the booth reads whether
/// the ward can answer, and a request becomes a ticket of channel "remote" in the responsible section's line.
/// </summary>
public static class RemoteConsultationApi
{
    public static WebApplicationBuilder AddRemoteConsultation(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RemoteConsultationService>();
        builder.Services.AddHostedService<RemoteConsultationMonitor>();
        return builder;
    }

    public static WebApplication MapRemoteConsultationApi(this WebApplication app)
    {
        var remote = app.MapGroup("/api/offices/{officeId}/remote-consultation").WithTags("Remote consultation");
        remote.MapGet("/", GetAsync);
        remote.MapPost("/requests", RequestAsync).WithMetadata(new RateLimited(RateLimitCategory.Issue));
        var admin = app.MapGroup("/api/admin/offices/{officeId}/remote-consultation").WithTags("Administration")
            .RequireAuthorization(CounterQueue.Web.Identity.IdentityApi.AdminPolicy);
        admin.MapPut("/", SetAsync);
        admin.MapDelete("/", StopAsync);
        return app;
    }

    /// <summary>Sets a branch's booth: the ward office, the hours (set in advance), the busy threshold, the topics, the video link.</summary>
    private static async Task<Ok<Domain.Offices.RemoteConsultationPolicy>> SetAsync(string officeId, Domain.Offices.RemoteConsultationPolicy policy, OfficeCatalog catalog)
    {
        var office = await catalog.RequireAsync(officeId);
        if (office.Kind != Domain.Offices.OfficeKind.Branch) throw Validate.Invalid("A remote consultation booth is at a branch (支所).");
        var ward = await catalog.FindAsync(policy.WardOfficeId)
                   ?? throw QueueRuleException.NotFound(ProblemCodes.OfficeNotFound, $"There is no ward office '{policy.WardOfficeId}'.");
        foreach (var topic in policy.Topics ?? [])
        {
            if (ward.FindService(topic.ServiceId) is not { } service || service.SectionId != topic.SectionId)
                throw Validate.Invalid($"Topic '{topic.Id}': the ward office has no service '{topic.ServiceId}' of section '{topic.SectionId}'.");
        }
        await catalog.SetRemoteConsultationAsync(office.Id, policy);
        return TypedResults.Ok(policy);
    }

    private static async Task<NoContent> StopAsync(string officeId, OfficeCatalog catalog)
    {
        var office = await catalog.RequireAsync(officeId);
        await catalog.SetRemoteConsultationAsync(office.Id, null);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<RemoteConsultationView>> GetAsync(string officeId, RemoteConsultationService remote)
    {
        var (branch, policy, ward) = await remote.RequireAsync(officeId);
        return TypedResults.Ok((await remote.GetAsync(branch, policy, ward)).View);
    }

    /// <summary>
    /// Places a request while available (201 with the ticket); while not, a 409 whose <c>reason</c> says why
    /// ("outsideHours", "wardBusy", "closed"). Send an Idempotency-Key so a double tap places one request.
    /// </summary>
    private static async Task<IResult> RequestAsync(string officeId, RemoteRequest request, HttpContext context, RemoteConsultationService remote,
        TicketService tickets, Idempotency idempotency)
    {
        var (branch, policy, ward) = await remote.RequireAsync(officeId);
        var topicId = Validate.Required(request.TopicId, "topicId", 40);
        var topic = policy.FindTopic(topicId) ?? throw QueueRuleException.NotFound(ProblemCodes.NotFound, $"The booth has no topic '{topicId}'.");
        var language = Validate.Language(request.Language);
        var (availability, _) = await remote.GetAsync(branch, policy, ward);
        var reason = !availability.Available ? availability.Reason
            : availability.BusySections.Contains(topic.SectionId) ? Domain.Offices.RemoteUnavailableReason.WardBusy : (Domain.Offices.RemoteUnavailableReason?)null;
        if (reason is not null)
        {
            var details = new Dictionary<string, string> { ["reason"] = RemoteConsultationService.ReasonName(reason) };
            if (availability.NextAvailableAt is { } next) details["nextAvailableAt"] = next.ToString("O");
            throw QueueRuleException.Conflict(ProblemCodes.RemoteUnavailable,
                "The ward office cannot answer now; the counters there come first. Please try again later.", details);
        }
        return await idempotency.RunAsync(context, $"remote:{branch.Id}", $"{topic.Id}|{language}",
            tickets.NewTicketId(ward.Id, topic.ServiceId),
            async ticketId =>
            {
                var ticket = await tickets.IssueAsync(ticketId, Priority.Normal, language, channel: "remote");
                var video = policy.VideoUrl?.Replace("{ticketId}", Uri.EscapeDataString(ticket.TicketId)).Replace("{number}", Uri.EscapeDataString(ticket.Number))
                    .Replace("{sectionId}", Uri.EscapeDataString(topic.SectionId));
                return (new RemoteRequestResult(ticket, video), $"/api/tickets/{ticket.TicketId}");
            });
    }
}

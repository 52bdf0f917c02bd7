using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.Tickets;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Offices;
using Microsoft.Extensions.Options;

namespace CounterQueue.Silo.Tickets;

/// <summary>
/// Facade over the ticket lines for the web host (the Orleans TodoListService pattern): builds
/// line keys, follows a ticket that moved between lines, and fans out one call per line in parallel.
/// </summary>
public sealed class TicketService(IGrainFactory grains, TicketLineGrains lines, OfficeCatalog catalog, TimeProvider time, IOptions<QueueOptions> options,
    Storage.PendingWrites pendingWrites)
{
    /// <summary>A ticket can move a few times (回付 then redirect…); more hops than this is a loop.</summary>
    private const int MaxHops = 8;
    /// <summary>Tickets older than this are not looked up (and their lines are deleted: <see cref="StateRetentionPolicy"/>).</summary>
    private int DaysKept => options.Value.PastDaysKept;

    public DateOnly Today => Tokyo.DateOf(time.GetUtcNow());

    public ITicketLineGrain Line(TicketLineKey key) => lines.Get(key);

    public ITicketLineGrain Line(string officeId, string serviceId) => Line(new TicketLineKey(officeId, serviceId, Today));

    /// <summary>A fresh ticket id in today's line of the service.</summary>
    public string NewTicketId(string officeId, string serviceId) => TicketId.New(new TicketLineKey(officeId, serviceId, Today));

    /// <summary>
    /// Issues a ticket; <paramref name="channel"/> says how the visitor joined ("remote" from a branch's booth). Completes once
    /// the ticket is durable: a line in this process may answer as soon as it handed the write to the store, and this waits
    /// for the write (<see cref="Storage.PendingWrites"/>).
    /// </summary>
    public async Task<TicketView> IssueAsync(string ticketId, Priority priority, string? language, string? channel = null)
    {
        var key = TicketId.IssuingLine(ticketId) ?? throw new ArgumentException("Not a ticket id.", nameof(ticketId));
        var ticket = await Line(key).IssueAsync(new IssueTicket(ticketId, priority, language, Channel: channel, CallerHost: pendingWrites.HostId));
        await pendingWrites.WhenStoredAsync(ticketId);
        return ticket;
    }

    /// <summary>Finds a ticket wherever it waits now, or null. Repairs a move that was cut short.</summary>
    public async Task<(TicketLineKey Line, TicketView Ticket)?> FindAsync(string? ticketId)
    {
        if (TicketId.IssuingLine(ticketId) is not { } key) return null;
        if (key.Day > Today || key.Day < Today.AddDays(-DaysKept)) return null;
        if (await catalog.FindAsync(key.OfficeId) is not { } office || office.FindService(key.ServiceId) is null) return null;

        TicketLineKey? previous = null;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            var lookup = await Line(key).GetAsync(ticketId!);
            if (lookup.Ticket is { } ticket) return (key, ticket);
            if (lookup.MovedToServiceId is { } movedTo)
            {
                previous = key;
                key = key with { ServiceId = movedTo };
                continue;
            }
            if (previous is { } from)
            {
                // The source line handed the ticket over but the target never took it in (a crash
                // between the two writes): finish the move now.
                var copy = await Line(from).MoveOutAsync(ticketId!, key.ServiceId, null);
                return (key, await Line(key).AcceptAsync(copy));
            }
            return null;
        }
        return null;
    }

    public async Task<(TicketLineKey Line, TicketView Ticket)> RequireAsync(string? ticketId) =>
        await FindAsync(ticketId) ?? throw QueueRuleException.NotFound(ProblemCodes.TicketNotFound, "No such ticket.");

    public async Task<TicketView> CancelAsync(string? ticketId)
    {
        var (line, _) = await RequireAsync(ticketId);
        return await Line(line).CancelAsync(ticketId!);
    }

    public async Task<TicketView> ReadyAsync(string? ticketId)
    {
        var (line, _) = await RequireAsync(ticketId);
        return await Line(line).ReadyAsync(ticketId!);
    }

    /// <summary>
    /// A guide moves a waiting ticket taken for the wrong place to the right service, keeping its time; the redirect is
    /// recorded with who did it and when (<see cref="Guides.IRedirectLogGrain"/>).
    /// </summary>
    public async Task<TicketView> RedirectAsync(string? ticketId, string toServiceId, string by)
    {
        var (line, _) = await RequireAsync(ticketId);
        var office = await catalog.RequireAsync(line.OfficeId);
        office.RequireService(toServiceId);
        var copy = await Line(line).MoveOutAsync(ticketId!, toServiceId, null);
        var moved = await Line(line with { ServiceId = toServiceId }).AcceptAsync(copy);
        await grains.GetGrain<Guides.IRedirectLogGrain>(Guides.RedirectLogGrain.Key(line.OfficeId, Tokyo.DateOf(time.GetUtcNow())))
            .AddAsync(new Guides.RedirectEntry(moved.TicketId, moved.Number, line.ServiceId, toServiceId, by, time.GetUtcNow()));
        return moved;
    }

    /// <summary>Today's summary of every service of an office, one call per line in parallel.</summary>
    public async Task<IReadOnlyDictionary<string, LineSummary>> SummariesAsync(OfficeDefinition office)
    {
        var summaries = await Task.WhenAll(office.Services.Select(s => Line(office.Id, s.Id).GetSummaryAsync()));
        return summaries.ToDictionary(s => s.ServiceId);
    }

    /// <summary>Every waiting ticket of an office today, oldest (by effective time) first.</summary>
    public async Task<IReadOnlyList<TicketView>> ListWaitingAsync(OfficeDefinition office)
    {
        var lists = await Task.WhenAll(office.Services.Select(s => Line(office.Id, s.Id).ListWaitingAsync()));
        return lists.SelectMany(l => l).OrderBy(t => t.IssuedAt).ThenBy(t => t.Number, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The office's pick-up board today (what <see cref="Lobby.PickupReady"/> events add to): every number whose
    /// processing is done and that waits to be collected, the earliest ready first. Only multi-step services are asked.
    /// </summary>
    public async Task<IReadOnlyList<Lobby.PickupReady>> ListReadyForPickupAsync(OfficeDefinition office)
    {
        var lists = await Task.WhenAll(office.Services.Where(s => s.Steps.Any(step => step.Kind == StepKind.Processing))
            .Select(s => Line(office.Id, s.Id).ListReadyForPickupAsync()));
        return lists.SelectMany(l => l).OrderBy(p => p.ReadyAt).ThenBy(p => p.Number, StringComparer.Ordinal).ToList();
    }
}

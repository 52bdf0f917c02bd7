using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Tickets;
using Microsoft.AspNetCore.SignalR;

namespace CounterQueue.Web.Lobby;

/// <summary>SignalR groups of the lobby hub, in one place.</summary>
public static class LobbyGroups
{
    public static string Office(string officeId) => $"office:{officeId}";
    public static string Floor(string officeId, string floor) => $"office:{officeId}:floor:{floor}";
    public static string Notices(string officeId) => $"office:{officeId}:notices";
    public static string Ticket(string ticketId) => $"ticket:{ticketId}";
}

/// <summary>
/// The lobby hub at /hubs/lobby: displays subscribe to an office (or one floor of it), phones follow
/// one ticket. Thin: it only validates and joins groups; events come from <see cref="LobbyBridge"/>.
/// </summary>
public sealed class LobbyHub(OfficeCatalog catalog, TicketService tickets) : Hub
{
    public const string Path = "/hubs/lobby";

    /// <summary>Receive the office's calls, queue lengths, counter changes and notices; with a floor, only that floor's.</summary>
    public async Task Subscribe(string officeId, string? floor)
    {
        var office = await catalog.FindAsync(officeId) ?? throw new HubException($"There is no office '{officeId}'.");
        if (floor is not null)
        {
            var floors = CounterQueue.Domain.Offices.RelocationRules.AllFloors(office);
            if (!floors.Contains(floor)) throw new HubException($"Office '{officeId}' has no floor '{floor}'.");
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, floor is null ? LobbyGroups.Office(office.Id) : LobbyGroups.Floor(office.Id, floor));
        await Groups.AddToGroupAsync(Context.ConnectionId, LobbyGroups.Notices(office.Id));
    }

    /// <summary>A visitor's phone follows its ticket: returns it as it is now, then sends each change.</summary>
    public async Task<TicketView> FollowTicket(string ticketId)
    {
        var found = await tickets.FindAsync(ticketId) ?? throw new HubException("No such ticket.");
        await Groups.AddToGroupAsync(Context.ConnectionId, LobbyGroups.Ticket(found.Ticket.TicketId));
        return found.Ticket;
    }
}

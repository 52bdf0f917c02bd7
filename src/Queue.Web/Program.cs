using CounterQueue.Display;
using CounterQueue.Silo;
using CounterQueue.Web.Bookings;
using CounterQueue.Web.Branches;
using CounterQueue.Web.Counters;
using CounterQueue.Web.Forwarding;
using CounterQueue.Web.Guides;
using CounterQueue.Web.History;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Infrastructure;
using CounterQueue.Web.Lobby;
using CounterQueue.Web.Offices;
using CounterQueue.Web.Operations;
using CounterQueue.Web.Relocations;
using CounterQueue.Web.Security;
using CounterQueue.Web.TemporaryCounters;
using CounterQueue.Web.Tickets;

return QueueHost.Run(args, builder =>
{
    builder.AddQueueSilo();
    builder.AddQueueApi();
    builder.AddQueueAuth();
    builder.AddTicketing();
    builder.AddRealtime();
    builder.AddTemporaryCounters();
    builder.AddBookings();
    builder.AddRelocations();
    builder.AddRemoteConsultation();
    builder.AddForwarding();
    builder.AddVisitHistory();
    builder.AddHostDrain();
    builder.AddBackups();
}, app =>
{
    app.UseQueueApi();
    app.MapOperations();
    app.MapBackupApi();
    app.MapIdentityApi();
    app.MapOfficeApi();
    app.MapTicketApi();
    app.MapBookingApi();
    app.MapCounterApi();
    app.MapTemporaryCounterApi();
    app.MapRelocationApi();
    app.MapGuideApi();
    app.MapRemoteConsultationApi();
    app.MapForwardingApi();
    app.MapHistoryApi();
    app.MapAuditApi();
    app.MapLobby();
    app.MapQueuePages();
});

/// <summary>The web host; public so tests can start the real app.</summary>
public partial class Program;

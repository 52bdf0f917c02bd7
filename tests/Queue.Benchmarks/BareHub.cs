using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CounterQueue.Benchmarks;

/// <summary>
/// The ceiling for the lobby hub: a bare SignalR hub in its own process whose only endpoint broadcasts a message to
/// every client of an audience (`bare-hub-server --port N`, started by the hub benchmark beside the real app). A client
/// joins the group its URL names (`?audience=one`), as a display joins its office's group on the lobby hub.
/// </summary>
public sealed class BareHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        var audience = Context.GetHttpContext()?.Request.Query["audience"].ToString();
        if (!string.IsNullOrEmpty(audience)) await Groups.AddToGroupAsync(Context.ConnectionId, audience);
    }

    public const string Path = "/hubs/bare";
    public const string Method = "TicketCalled";

    public static async Task ServeAsync(string[] args)
    {
        var port = args.SkipWhile(a => a != "--port").Skip(1).FirstOrDefault() ?? throw new ArgumentException("--port is required");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapHub<BareHub>(Path);
        // The same shape of message the lobby gets, with the number the client times it by.
        app.MapPost("/broadcast/{number}", async (string number, string audience, bool? withQueue, IHubContext<BareHub> hub) =>
        {
            await hub.Clients.Group(audience).SendAsync(Method, new { officeId = "bare", number, serviceId = "s", counterId = "c1", floor = "1F", recall = false });
            if (withQueue == true) await hub.Clients.Group(audience).SendAsync("QueueUpdated", new { officeId = "bare", serviceId = "s", waiting = 1, estimatedWaitMinutes = 5 });
            return Results.Ok();
        });
        // What the lobby also sends on each ticket issued and completed: the line's new length.
        app.MapPost("/queue", async (string audience, IHubContext<BareHub> hub) =>
        {
            await hub.Clients.Group(audience).SendAsync("QueueUpdated", new { officeId = "bare", serviceId = "s", waiting = 1, estimatedWaitMinutes = 5 });
            return Results.Ok();
        });
        app.MapGet("/ready", () => Results.Ok());
        await app.RunAsync();
    }
}

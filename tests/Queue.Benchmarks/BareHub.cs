using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CounterQueue.Benchmarks;

/// <summary>
/// The ceiling for the lobby hub: a bare SignalR hub in its own process whose only endpoint broadcasts a message to
/// every connected client (`bare-hub-server --port N`, started by the hub benchmark beside the real app).
/// </summary>
public sealed class BareHub : Hub
{
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
        app.MapPost("/broadcast/{number}", async (string number, bool? withQueue, IHubContext<BareHub> hub) =>
        {
            await hub.Clients.All.SendAsync(Method, new { officeId = "bare", number, serviceId = "s", counterId = "c1", floor = "1F", recall = false });
            if (withQueue == true) await hub.Clients.All.SendAsync("QueueUpdated", new { officeId = "bare", serviceId = "s", waiting = 1, estimatedWaitMinutes = 5 });
            return Results.Ok();
        });
        // What the lobby also sends on each ticket issued and completed: the line's new length.
        app.MapPost("/queue", async (IHubContext<BareHub> hub) =>
        {
            await hub.Clients.All.SendAsync("QueueUpdated", new { officeId = "bare", serviceId = "s", waiting = 1, estimatedWaitMinutes = 5 });
            return Results.Ok();
        });
        app.MapGet("/ready", () => Results.Ok());
        await app.RunAsync();
    }
}

using Microsoft.AspNetCore.SignalR;
using CounterQueue.Web.Infrastructure;

namespace CounterQueue.Web.Lobby;

public static class LobbyExtensions
{
    /// <summary>SignalR with the API's JSON conventions, and the bridge from the grains' events to the hub.</summary>
    public static WebApplicationBuilder AddRealtime(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR(o =>
            {
                o.MaximumReceiveMessageSize = 8 * 1024;
                o.AddFilter<Security.HubLimits>(); // calls per connection, argument lengths
            })
            .AddJsonProtocol(o => ApiHostingExtensions.ConfigureJson(o.PayloadSerializerOptions));
        builder.Services.AddSingleton<Security.HubLimits>();
        builder.Services.AddHostedService<LobbyBridge>();
        return builder;
    }

    public static WebApplication MapLobby(this WebApplication app)
    {
        app.MapHub<LobbyHub>(LobbyHub.Path);
        return app;
    }
}

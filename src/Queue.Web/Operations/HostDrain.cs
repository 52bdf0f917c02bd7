using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Lobby;
using CounterQueue.Web.Lobby;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CounterQueue.Web.Operations;

/// <summary>
/// How a host leaves (SIGTERM, Ctrl-C, a rolling update): before anything stops, /health/ready turns unhealthy (a load
/// balancer or Kubernetes sends no new work), the lobby hub tells every display and phone to reconnect — through the
/// balancer, to a host that stays — and the host waits <see cref="DrainDelay"/> for them to go. Then Kestrel finishes
/// the requests in flight and the silo stops: its grains deactivate (their state is already stored with every change)
/// and the cluster moves them to the other hosts.
/// </summary>
public sealed class HostDrain(IHubContext<LobbyHub> hub, IHostApplicationLifetime lifetime, ILogger<HostDrain> logger) : IHostedLifecycleService, IHealthCheck
{
    public static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FlushTime = TimeSpan.FromMilliseconds(300);
    private volatile bool _draining;

    public bool Draining => _draining;

    /// <summary>
    /// Registered once the app has started, so it runs before SignalR's own stopping callback (registered earlier; the
    /// callbacks run last-registered first), which closes every connection: the screens hear why before they are cut.
    /// </summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(TellScreens);
        return Task.CompletedTask;
    }

    private void TellScreens()
    {
        _draining = true;
        logger.LogInformation("Draining: telling the lobby's screens to reconnect elsewhere, then stopping in {Delay}", DrainDelay);
        try
        {
            // A stopping callback is synchronous; this waits at most a second for the message to be handed to the connections,
            // then a moment for their transports to put it on the wire: SignalR's own stopping callback, next, closes them,
            // and a message still in a connection's buffer then is lost (a test saw it about one time in eight).
            if (!hub.Clients.All.SendAsync(LobbyMethods.Reconnect, new ReconnectAdvice((int)DrainDelay.TotalMilliseconds)).Wait(SendTimeout))
                logger.LogWarning("Telling the lobby's screens to reconnect took over {Timeout}; some may not have heard", SendTimeout);
            Thread.Sleep(FlushTime);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not tell the lobby's screens to reconnect");
        }
    }

    /// <summary>Before the web server stops: a few seconds not ready, so a load balancer sends the work elsewhere.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        try
        {
            await Task.Delay(DrainDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the host's shutdown timeout ran out first
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_draining ? HealthCheckResult.Unhealthy("This host is stopping.") : HealthCheckResult.Healthy("Taking work."));

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>What the lobby's clients are told when their host leaves: reconnect within this many milliseconds (spread out).</summary>
public sealed record ReconnectAdvice(int WithinMs);

public static class HostDrainExtensions
{
    /// <summary>The drain on shutdown and its readiness check (tagged ready: /health/ready says "stopping").</summary>
    public static WebApplicationBuilder AddHostDrain(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<HostDrain>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HostDrain>());
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("draining", sp => sp.GetRequiredService<HostDrain>(), null, [HealthTags.Ready]));
        return builder;
    }
}

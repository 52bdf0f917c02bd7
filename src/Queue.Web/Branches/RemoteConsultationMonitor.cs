using CounterQueue.Silo.Lobby;
using CounterQueue.Silo.Offices;

namespace CounterQueue.Web.Branches;

/// <summary>
/// Tells the booths when their availability flips (RemoteConsultationChanged), so a booth never polls: every few
/// seconds it reads each branch's state (hours, and the ward's lines) and publishes a change to that branch.
/// </summary>
public sealed class RemoteConsultationMonitor(OfficeCatalog catalog, RemoteConsultationService remote, IGrainFactory grains, TimeProvider time,
    ILogger<RemoteConsultationMonitor> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, (bool Available, string? Reason)> _last = [];
    private readonly SemaphoreSlim _running = new(1, 1);
    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = time.CreateTimer(_ => _ = CheckAsync(), null, Every, Every);
        return Task.CompletedTask;
    }

    /// <summary>Reads every booth's state once and publishes those that changed since the last check.</summary>
    public async Task CheckAsync()
    {
        if (!await _running.WaitAsync(0)) return; // the previous check is still running
        try
        {
            foreach (var branch in (await catalog.ListAsync()).Where(o => o.RemoteConsultation is not null))
            {
                var (_, policy, ward) = await remote.RequireAsync(branch.Id);
                var (_, view) = await remote.GetAsync(branch, policy, ward);
                var now = (view.Available, view.Reason);
                if (_last.TryGetValue(branch.Id, out var before) && before == now) continue;
                var first = !_last.ContainsKey(branch.Id);
                _last[branch.Id] = now;
                if (first) continue; // the booths read the state when they start
                await grains.PublishAsync(LobbyMessage.ToOffice(branch.Id, null, new RemoteConsultationChanged(branch.Id, view.Available, view.Reason)));
                logger.LogInformation("Remote consultation at {OfficeId}: available={Available} reason={Reason}", branch.Id, view.Available, view.Reason);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not check remote consultation availability");
        }
        finally
        {
            _running.Release();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _running.Dispose();
    }
}

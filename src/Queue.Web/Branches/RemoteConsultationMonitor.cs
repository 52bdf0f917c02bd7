using CounterQueue.Silo.Lobby;
using CounterQueue.Silo.Offices;

namespace CounterQueue.Web.Branches;

/// <summary>
/// Tells the booths when their availability flips (RemoteConsultationChanged), so a booth never polls: every few
/// seconds it reads each branch's state (hours, and the ward's lines) and publishes a change to that branch (and a branch's
/// state the first time it is read).
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
            // Every booth's state at once (a few grain calls each, in parallel), then what changed.
            var branches = (await catalog.ListAsync()).Where(o => o.RemoteConsultation is not null).ToList();
            var views = await Task.WhenAll(branches.Select(async branch =>
            {
                var (_, policy, ward) = await remote.RequireAsync(branch.Id);
                return (await remote.GetAsync(branch, policy, ward)).View;
            }));
            var changes = new List<LobbyMessage>();
            foreach (var view in views)
            {
                var now = (view.Available, view.Reason);
                var seen = _last.TryGetValue(view.OfficeId, out var before);
                _last[view.OfficeId] = now;
                if (seen && before == now) continue;
                // A branch seen for the first time is published too: its booth may have read its state before this check (a
                // branch added while a check of many ran), and the state it read may have changed since.
                changes.Add(LobbyMessage.ToOffice(view.OfficeId, null, new RemoteConsultationChanged(view.OfficeId, view.Available, view.Reason)));
                if (seen) logger.LogInformation("Remote consultation at {OfficeId}: available={Available} reason={Reason}", view.OfficeId, view.Available, view.Reason);
            }
            if (changes.Count > 0) await grains.PublishAsync([.. changes]);
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

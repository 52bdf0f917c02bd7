using System.Text.Json;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.TemporaryCounters;
using CounterQueue.Silo.TemporaryCounters;
using CounterQueue.Silo.Identity;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CounterQueue.Silo.Offices;

/// <summary>
/// On start (after the silo): defines the demo offices that are not defined yet, and the
/// <c>admin</c> account when QUEUE_ADMIN_PASSWORD is set.
/// </summary>
internal sealed class OfficeSeeder(
    OfficeCatalog catalog,
    IGrainFactory grains,
    IOptions<QueueOptions> options,
    IConfiguration configuration,
    ILogger<OfficeSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.DemoOfficesFile is { Length: > 0 } file)
        {
            var path = Path.IsPathRooted(file) ? file : Path.Combine(AppContext.BaseDirectory, file);
            await using var stream = File.OpenRead(path);
            var demo = await JsonSerializer.DeserializeAsync<DemoData>(stream, StateJsonSerializer.Options, cancellationToken)
                       ?? throw new InvalidDataException($"{path} is empty.");
            var added = await Task.WhenAll(demo.Offices.Select(o => catalog.DefineAsync(o, onlyIfNew: true)));
            logger.LogInformation("Demo offices: {Added} added, {Kept} already defined", added.Count(a => a), added.Count(a => !a));
            await SeedProceduresAsync(cancellationToken);
            var seeded = await grains.GetGrain<ITemporaryCounterRegistryGrain>(ITemporaryCounterRegistryGrain.Key).SeedDemoAsync(demo.TemporaryCounters ?? []);
            if (seeded > 0) logger.LogInformation("Demo temporary counters: {Added} schedules added", seeded);
        }
        else
        {
            await SeedProceduresAsync(cancellationToken);
        }

        if (configuration["QUEUE_ADMIN_PASSWORD"] is { Length: > 0 } password)
        {
            await grains.GetGrain<IUserGrain>("admin").SetAsync(password, [Roles.Admin]);
            logger.LogInformation("User {User} set from QUEUE_ADMIN_PASSWORD", "admin");
            if (Domain.Security.PasswordPolicy.Check("admin", password) is { Count: > 0 } weak)
                logger.LogWarning("QUEUE_ADMIN_PASSWORD is weak (it should have {Rules}): fine for a demonstration, not for an office", string.Join(", ", weak));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The procedures come from configuration (not the demo): read at every start, so an edit takes effect.</summary>
    private async Task SeedProceduresAsync(CancellationToken cancellationToken)
    {
        if (options.Value.TemporaryProceduresFile is not { Length: > 0 } file) return;
        var path = Path.IsPathRooted(file) ? file : Path.Combine(AppContext.BaseDirectory, file);
        await using var stream = File.OpenRead(path);
        var data = await JsonSerializer.DeserializeAsync<ProcedureData>(stream, StateJsonSerializer.Options, cancellationToken)
                   ?? throw new InvalidDataException($"{path} is empty.");
        await grains.GetGrain<ITemporaryCounterRegistryGrain>(ITemporaryCounterRegistryGrain.Key).SetProceduresAsync(data.Procedures);
    }

    private sealed record DemoData(IReadOnlyList<OfficeDefinition> Offices, IReadOnlyList<TemporaryCounterSchedule>? TemporaryCounters);

    private sealed record ProcedureData(IReadOnlyList<TemporaryProcedure> Procedures);
}

using System.Net;
using CounterQueue.Silo.Clustering;
using CounterQueue.Silo.Counters;
using CounterQueue.Silo.History;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Privacy;
using CounterQueue.Silo.Storage;
using CounterQueue.Silo.Telemetry;
using CounterQueue.Silo.Tickets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Polly.Registry;

namespace CounterQueue.Silo;

public static class SiloHostingExtensions
{
    /// <summary>
    /// Hosts a CounterQueue silo in this process: localhost clustering and the embedded SQLite store
    /// under Queue:DataDirectory, the demo offices on first start, and the facades the web host uses.
    /// </summary>
    public static IHostApplicationBuilder AddQueueSilo(this IHostApplicationBuilder builder)
    {
        var options = builder.GetQueueOptions();
        var dataDirectory = options.DataDirectoryPath;
        if (options.ClockStart is { } clockStart)
        {
            builder.Services.AddSingleton<TimeProvider>(new ShiftedClock(clockStart, TimeProvider.System));
            builder.Services.AddHostedService<ShiftedClockNotice>();
        }
        var health = builder.Services.AddHealthChecks().AddClusterCheck();

        if (options.IsClusterMode)
        {
            // Cluster mode: silos find each other, and keep their grains' state, in PostgreSQL.
            var database = new NpgsqlDataSourceBuilder(options.PostgreSql).Build();
            builder.Services.AddSingleton(database);
            health.AddPostgresCheck().AddMembershipCheck();
            builder.UseOrleans(silo => silo
                .Configure<ClusterOptions>(c => { c.ClusterId = options.ClusterId; c.ServiceId = "counterqueue"; })
                .Configure<EndpointOptions>(e =>
                {
                    e.AdvertisedIPAddress = options.AdvertisedIPAddress(); // checked by QueueOptionsValidator; "auto" in a container
                    e.SiloPort = options.SiloPort;
                    e.GatewayPort = 0; // co-hosted: no external clients
                })
                .UsePostgresClustering(c => c.DataSource = database)
                // Tuned for an office LAN (sub-millisecond round trips) rather than Orleans' cloud defaults (5 s probes,
                // 60 s table refresh): a host that dies is suspected after 3 missed 1 s probes and declared dead once the
                // others agree, a few seconds in all, so its grains come back elsewhere quickly. A host under load still
                // gets longer (ExtendProbeTimeoutDuringDegradation, on by default) rather than being voted out wrongly.
                .Configure<ClusterMembershipOptions>(m =>
                {
                    m.ProbeTimeout = TimeSpan.FromSeconds(1);
                    m.NumMissedProbesLimit = 3;
                    m.TableRefreshTimeout = TimeSpan.FromSeconds(5);
                    m.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
                })
                .AddQueueGrains(dataDirectory, database, options.DataProtectionKeysDirectory));
        }
        else
        {
            health.AddEmbeddedStoreCheck();
            builder.UseOrleans(silo => silo
                .UseLocalhostClustering(siloPort: options.SiloPort, gatewayPort: 0, serviceId: "counterqueue", clusterId: options.ClusterId)
                .Configure<EndpointOptions>(e => e.GatewayPort = 0) // co-hosted: no external clients
                .AddQueueGrains(dataDirectory, keysDirectory: options.DataProtectionKeysDirectory));
        }

        builder.Services.AddSingleton<OfficeCatalog>();
        builder.Services.AddSingleton<TemporaryCounters.TemporaryCounterOperator>();
        builder.Services.AddSingleton<Offices.RelocationOperator>();
        builder.Services.AddSingleton<TicketService>();
        builder.Services.AddSingleton<Storage.StoreBackups>();
        builder.Services.AddSingleton<CounterService>();
        builder.Services.AddHostedService<OfficeSeeder>();
        return builder;
    }

    /// <summary>
    /// The "Queue" settings, read and checked once per host (the silo, the scheduler and the web layer all use this
    /// one copy), and registered as options that are checked again on start with the same rules.
    /// A bad value stops the host with <see cref="OptionsValidationException"/> saying which setting and why.
    /// </summary>
    public static QueueOptions GetQueueOptions(this IHostApplicationBuilder builder) =>
        builder.AddValidatedOptions<QueueOptions, QueueOptionsValidator>(QueueOptions.Section);

    /// <summary>
    /// What every CounterQueue silo has, whatever its clustering: the grains' storage (the embedded
    /// SQLite store in <paramref name="dataDirectory"/>), personal data sealed at rest with the key ring in
    /// <paramref name="keysDirectory"/> (or the store's own place), the rule-violation filter, the serializer
    /// for domain types, the clock and the metrics. Tests use it on Orleans' in-process test cluster.
    /// </summary>
    public static ISiloBuilder AddQueueGrains(this ISiloBuilder silo, string dataDirectory, NpgsqlDataSource? postgres = null,
        string? keysDirectory = null)
    {
        silo.Services.AddOptions<QueueOptions>(); // defaults when the host has not bound the section (the test cluster)
        silo.Services.TryAddSingleton<IStateExpiry, StateRetentionPolicy>();
        silo.Services.TryAddSingleton<TicketLineGrains>();
        silo.Services.TryAddSingleton<PendingWrites>(); // a line's answers whose writes its caller here waits for (ticket issue)
        silo.Services.TryAddSingleton<Lobby.LobbyListeners>(); // shared by this host's publisher and its web layer's bridge
        silo.Services.AddPersonalDataProtection(dataDirectory, keysDirectory, postgres,
            sp => sp.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(PostgresResilience.Pipeline));
        if (postgres is null)
        {
            silo.Services.AddSingleton(sp => new SqliteStore(Path.Combine(dataDirectory, "queue.db"),
                sp.GetRequiredService<ILogger<SqliteStore>>(), commitDelay: CommitDelay(sp)));
            silo.Services.AddGrainStorage(StorageNames.Queue, (sp, name) =>
                new SqliteGrainStorage(name, sp.GetRequiredService<SqliteStore>(), new StateJsonSerializer(sp.PersonalDataProtector()),
                    sp.GetRequiredService<IStateExpiry>()));
            silo.Services.AddSingleton<IVisitHistory>(sp => new SqliteVisitHistory(sp.GetRequiredService<SqliteStore>(), HistoryEnabled(sp)));
            silo.Services.AddSingleton<Audit.IAuditLog>(sp => new Audit.SqliteAuditLog(sp.GetRequiredService<SqliteStore>()));
        }
        else
        {
            silo.AddPostgresGrainStorage(StorageNames.Queue, o => o.DataSource = postgres);
            silo.Services.AddSingleton<IVisitHistory>(sp => new PostgresVisitHistory(postgres,
                sp.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(PostgresResilience.Pipeline),
                sp.GetRequiredService<ILogger<PostgresVisitHistory>>(), HistoryEnabled(sp)));
            silo.Services.AddSingleton<Audit.IAuditLog>(sp => new Audit.PostgresAuditLog(postgres,
                sp.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(PostgresResilience.Pipeline)));
        }
        silo.AddIncomingGrainCallFilter<QueueRuleCallFilter>();
        silo.Services.AddQueueSerialization();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<QueueMetrics>();
        return silo;
    }

    /// <summary>The configured group-commit wait (checked at start by <see cref="QueueOptionsValidator"/>); the store's default without options.</summary>
    private static TimeSpan? CommitDelay(IServiceProvider services) =>
        services.GetService<IOptions<QueueOptions>>()?.Value is { } options ? TimeSpan.FromMicroseconds(options.CommitDelayMicroseconds) : null;

    private static bool HistoryEnabled(IServiceProvider services) =>
        services.GetService<IOptions<QueueOptions>>()?.Value.HistoryEnabled ?? true;

    /// <summary>Domain types (plain C#, no Orleans attributes) cross grain calls as JSON. Clients need it too.</summary>
    public static IServiceCollection AddQueueSerialization(this IServiceCollection services) =>
        services.AddSerializer(s => s.AddJsonSerializer(
            type => type.Namespace?.StartsWith("CounterQueue.Domain", StringComparison.Ordinal) == true,
            StateJsonSerializer.Options));
}

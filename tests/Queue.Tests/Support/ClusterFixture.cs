using CounterQueue.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace CounterQueue.Tests.Support;

/// <summary>Orleans' in-process test cluster with CounterQueue's grains on the real embedded store.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private static readonly string DataDirectory = new TempDirectory("cluster").Path;

    /// <summary>
    /// The grains' clock: a fake one, so tests set the time of day they need (a line's day, midnight in Tokyo)
    /// and advance it instead of sleeping. It starts at 10:00 Japan time on a weekday and, like a real clock, moves
    /// on a millisecond each time it is read, so two tickets issued one after the other never share an instant.
    /// </summary>
    public static FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(9)))
    {
        AutoAdvanceAmount = TimeSpan.FromMilliseconds(1),
    };

    public FakeTimeProvider Time => Clock;

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.AddSingleton<TimeProvider>(Clock);
            if (TestLogs.NewFile("silo") is { } logFile)
                siloBuilder.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(_ => new FileLoggerProvider(logFile));
            siloBuilder.AddQueueGrains(DataDirectory);
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.Services.AddQueueSerialization();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

using System.Threading.Channels;
using CounterQueue.Silo.Lobby;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Grains;

/// <summary>
/// Which web hosts listen to the lobby: every host is told the new set the moment one subscribes or leaves, each time
/// under a higher version, and a host's copy keeps the newest set with its own listener in it once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LobbySubscriptionsTests(ClusterFixture fixture)
{
    /// <summary>A web host's listener, as the cluster's client stands in for one.</summary>
    private sealed class Listener : ILobbyObserver
    {
        private readonly Channel<LobbyListenerSet> _sets = Channel.CreateUnbounded<LobbyListenerSet>();

        public Task ReceiveAsync(IReadOnlyList<LobbyMessage> messages) => Task.CompletedTask;

        public Task ListenersChangedAsync(LobbyListenerSet listeners)
        {
            _sets.Writer.TryWrite(listeners);
            return Task.CompletedTask;
        }

        /// <summary>The first set pushed with at least <paramref name="version"/> (earlier pushes are passed over).</summary>
        public async Task<LobbyListenerSet> PushedAsync(long version)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                var set = await _sets.Reader.ReadAsync(timeout.Token);
                if (set.Version >= version) return set;
            }
        }
    }

    private static bool Holds(LobbyListenerSet set, ILobbyObserver observer) => set.Observers.Any(o => o.GetGrainId() == observer.GetGrainId());

    [Fact]
    public async Task Every_host_is_told_at_once_when_a_host_subscribes_or_leaves_and_a_renewal_changes_nothing()
    {
        var subscriptions = fixture.Grains.GetGrain<ILobbySubscriptionsGrain>(0);
        var first = new Listener();
        var second = new Listener();
        var firstHost = fixture.Cluster.Client.CreateObjectReference<ILobbyObserver>(first);
        var secondHost = fixture.Cluster.Client.CreateObjectReference<ILobbyObserver>(second);
        try
        {
            var joined = await subscriptions.SubscribeAsync(firstHost);
            Assert.True(Holds(joined, firstHost));
            var renewed = await subscriptions.SubscribeAsync(firstHost);
            Assert.Equal(joined.Version, renewed.Version);

            // A second host subscribes: its answer holds both, and the first host is told without asking.
            var both = await subscriptions.SubscribeAsync(secondHost);
            Assert.True(both.Version > joined.Version);
            Assert.True(Holds(both, firstHost) && Holds(both, secondHost));
            var told = await first.PushedAsync(both.Version);
            Assert.True(Holds(told, secondHost));

            // It leaves: the first host is told that too.
            await subscriptions.UnsubscribeAsync(secondHost);
            var left = await first.PushedAsync(both.Version + 1);
            Assert.False(Holds(left, secondHost));
            Assert.True(Holds(left, firstHost));
            Assert.Equal(left.Version, (await subscriptions.GetAsync()).Version);

            // A host's copy: its own listener once, the newest set kept when an older answer arrives after it.
            var copy = new LobbyListeners();
            Assert.False(copy.Known);
            copy.SetLocal(firstHost);
            Assert.Equal([firstHost.GetGrainId()], copy.Targets.Select(o => o.GetGrainId()));
            Assert.True(copy.Update(both));
            Assert.True(copy.Known);
            Assert.Equal(2, copy.Targets.Count);
            Assert.False(copy.Update(joined));
            Assert.Equal(2, copy.Targets.Count);
            Assert.True(copy.Update(left));
            Assert.Equal([firstHost.GetGrainId()], copy.Targets.Select(o => o.GetGrainId()));
        }
        finally
        {
            await subscriptions.UnsubscribeAsync(firstHost);
            await subscriptions.UnsubscribeAsync(secondHost);
            fixture.Cluster.Client.DeleteObjectReference<ILobbyObserver>(firstHost);
            fixture.Cluster.Client.DeleteObjectReference<ILobbyObserver>(secondHost);
            // The client holds its observers weakly: a listener collected once last used (one CI run) is no longer there to delete.
            GC.KeepAlive(first);
            GC.KeepAlive(second);
        }
    }
}

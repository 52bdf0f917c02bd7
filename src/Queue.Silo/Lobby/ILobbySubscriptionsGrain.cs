namespace CounterQueue.Silo.Lobby;

/// <summary>Which web hosts listen (key 0). Hosts renew their subscription; silent ones are dropped.</summary>
public interface ILobbySubscriptionsGrain : IGrainWithIntegerKey
{
    /// <summary>Subscribes (or renews) <paramref name="observer"/>; answers the set now listening, this host included.</summary>
    Task<LobbyListenerSet> SubscribeAsync(ILobbyObserver observer);
    Task UnsubscribeAsync(ILobbyObserver observer);
    /// <summary>The hosts listening now (dropping those silent too long).</summary>
    Task<LobbyListenerSet> GetAsync();
}

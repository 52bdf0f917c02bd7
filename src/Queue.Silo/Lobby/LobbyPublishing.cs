
namespace CounterQueue.Silo.Lobby;

/// <summary>How grains publish lobby events.</summary>
public static class LobbyPublishing
{
    public static Task PublishAsync(this IGrainFactory grains, params LobbyMessage[] messages) =>
        messages.Length == 0 ? Task.CompletedTask : grains.GetGrain<ILobbyPublisherGrain>(0).PublishAsync(messages);
}

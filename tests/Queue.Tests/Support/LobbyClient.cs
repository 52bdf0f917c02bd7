using System.Text.Json;
using System.Threading.Channels;
using CounterQueue.Silo.Lobby;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace CounterQueue.Tests.Support;

/// <summary>A real SignalR client of /hubs/lobby that records every event it receives, in order.</summary>
public sealed class LobbyClient : IAsyncDisposable
{
    private readonly Channel<(string Method, JsonElement Payload)> _events = Channel.CreateUnbounded<(string, JsonElement)>();

    private LobbyClient(HubConnection connection)
    {
        Connection = connection;
        foreach (var method in new[] { LobbyMethods.TicketCalled, LobbyMethods.PickupReady, LobbyMethods.QueueUpdated,
                     LobbyMethods.CounterChanged, LobbyMethods.Notice, LobbyMethods.TicketUpdated, LobbyMethods.RemoteConsultationChanged })
            connection.On<JsonElement>(method, payload =>
            {
                _received.Enqueue((method, payload));
                _events.Writer.TryWrite((method, payload));
            });
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Method, JsonElement Payload)> _received = new();

    /// <summary>Every event received since connecting, whether or not read since.</summary>
    public IReadOnlyCollection<(string Method, JsonElement Payload)> Received => _received;

    public HubConnection Connection { get; }

    public static async Task<LobbyClient> ConnectAsync(TestServer server)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/lobby"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = async (context, ct) => await server.CreateWebSocketClient().ConnectAsync(context.Uri, ct);
            })
            .Build();
        await connection.StartAsync();
        return new LobbyClient(connection);
    }

    /// <summary>A client of a host running as its own process (<see cref="AppProcess"/>), over its real network address.</summary>
    public static async Task<LobbyClient> ConnectAsync(Uri baseAddress)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(baseAddress, "hubs/lobby")).Build();
        await connection.StartAsync();
        return new LobbyClient(connection);
    }

    /// <summary>The next event of the given kind (others are passed over), or a timeout failure.</summary>
    public async Task<JsonElement> NextAsync(string method, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var (m, payload) = await _events.Reader.ReadAsync(cts.Token);
            if (m == method) return payload;
        }
    }

    /// <summary>Every event received so far.</summary>
    public List<(string Method, JsonElement Payload)> Drain()
    {
        var all = new List<(string, JsonElement)>();
        while (_events.Reader.TryRead(out var e)) all.Add(e);
        return all;
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}

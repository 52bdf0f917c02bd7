using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CounterQueue.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace CounterQueue.Tests.Api;

/// <summary>Operations: SIGTERM drains a host (not ready, screens told to reconnect, then a clean exit); /metrics for Prometheus.</summary>
public sealed class HostDrainTests : IDisposable
{
    private const string Password = "drain-test-password";
    private readonly TempDirectory _data = new("drain");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Sigterm_tells_the_screens_to_reconnect_turns_not_ready_and_exits_cleanly_with_every_ticket_kept()
    {
        var app = await AppProcess.StartAsync(_data.Path, Password);
        string ticketId;
        var screen = new HubConnectionBuilder().WithUrl(new Uri(app.BaseAddress, "hubs/lobby")).Build();
        var told = new TaskCompletionSource<(JsonElement Advice, TimeSpan At)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        try
        {
            using var staff = app.CreateClient(await AppFixture.TokenAsync(app.CreateClient(), "admin", Password));
            Assert.Equal(HttpStatusCode.OK, (await staff.PostJsonAsync("/api/offices/kawasaki/counters/c1/open", new { serviceIds = new[] { "residence-certificate" } })).StatusCode);
            using var visitor = app.CreateClient();
            ticketId = (await (await visitor.PostJsonAsync("/api/offices/kawasaki/tickets", new { serviceId = "residence-certificate" })).ReadJsonAsync())["ticketId"]!.GetValue<string>();
            Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/health/ready")).StatusCode);

            // Metrics for Prometheus, from this machine (the office network): the queue's own, Orleans', HTTP, the runtime's.
            var metrics = await visitor.GetStringAsync("/metrics");
            Assert.Contains("queue_tickets_issued", metrics);
            Assert.Contains("queue_waiting", metrics);
            Assert.Contains("http_server_request_duration", metrics);
            Assert.Contains("orleans_", metrics);
            Assert.Contains("dotnet_gc_heap_total_allocated_bytes_total", metrics); // the runtime's (System.Runtime)

            screen.On<JsonElement>("Reconnect", advice => told.TrySetResult((advice, clock.Elapsed)));
            screen.Closed += _ =>
            {
                closed.TrySetResult(clock.Elapsed);
                return Task.CompletedTask;
            };
            await screen.StartAsync();
            await screen.InvokeAsync("Subscribe", "kawasaki", (string?)null);

            var exit = app.TerminateAsync(TimeSpan.FromSeconds(40));
            var (advice, toldAt) = await told.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.InRange(advice.GetProperty("withinMs").GetInt32(), 1, 30000);
            // While it drains, the host says it is not ready, so a balancer sends it nothing new.
            var ready = await visitor.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("stopping", await ready.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal(0, await exit);
            Assert.True(await closed.Task.WaitAsync(TimeSpan.FromSeconds(10)) >= toldAt);
            Assert.Contains("Draining", app.Output);
        }
        finally
        {
            await screen.DisposeAsync();
            await app.DisposeAsync();
        }

        await using var again = await AppProcess.StartAsync(_data.Path, Password);
        using var client = again.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/tickets/{ticketId}")).StatusCode);
    }
}

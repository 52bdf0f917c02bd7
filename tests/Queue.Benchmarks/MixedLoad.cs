using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace CounterQueue.Benchmarks;

/// <summary>
/// `-- mix [--seconds 30] [--visitors 48] [--phones 200]`: a lobby at its peak against the real app (its own process):
/// visitors take tickets and their phones read them; every counter calls the next ticket and completes it; phones
/// follow tickets on the hub. Reported per operation (rate, p50, p99), so a slow path shows beside the others.
/// </summary>
public static class MixedLoad
{
    private const int Lines = 19;

    public static async Task RunAsync(string[] args)
    {
        var seconds = int.Parse(Bench.Option(args, "--seconds", "30"), CultureInfo.InvariantCulture);
        var visitors = int.Parse(Bench.Option(args, "--visitors", "48"), CultureInfo.InvariantCulture);
        var phones = int.Parse(Bench.Option(args, "--phones", "200"), CultureInfo.InvariantCulture);
        await using var app = await RunningApp.StartAsync("mix", Bench.Office("mix", Lines, counters: true), openCounters: true);
        {
            var (anonymous, staff, baseUrl) = (app.Anonymous, app.Staff, app.BaseUrl);

            var timings = new ConcurrentDictionary<string, ConcurrentBag<double>>();
            var errors = new ConcurrentDictionary<string, int>();
            var issued = new ConcurrentQueue<string>();
            async Task<HttpResponseMessage> TimeAsync(string operation, Func<Task<HttpResponseMessage>> send)
            {
                var start = Stopwatch.GetTimestamp();
                var response = await send();
                timings.GetOrAdd(operation, _ => []).Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if ((int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest)
                    errors.AddOrUpdate($"{operation} {(int)response.StatusCode}", 1, (_, n) => n + 1);
                return response;
            }

            // Phones following tickets on the hub (a fresh ticket each), counting the updates they get.
            var updates = 0;
            var followers = new List<HubConnection>();
            for (var i = 0; i < phones; i++)
            {
                var ticket = await (await anonymous.PostAsJsonAsync("/api/offices/mix/tickets", new { serviceId = $"s{i % Lines}" })).Content.ReadFromJsonAsync<JsonElement>();
                var connection = new HubConnectionBuilder().WithUrl($"{baseUrl}/hubs/lobby").Build();
                connection.On<JsonElement>("TicketUpdated", _ => Interlocked.Increment(ref updates));
                await connection.StartAsync();
                await connection.InvokeAsync<JsonElement>("FollowTicket", ticket.GetProperty("ticketId").GetString());
                followers.Add(connection);
            }

            Console.WriteLine($"Mixed load for {seconds} s: {visitors} visitors at once (take a ticket, the phone reads it twice), " +
                              $"{Lines} counters calling and completing, {phones} phones following on the hub; app on {baseUrl}");
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var clock = Stopwatch.StartNew();
            var visitorLoops = Enumerable.Range(0, visitors).Select(v => Task.Run(async () =>
            {
                var random = new Random(v);
                while (!stop.IsCancellationRequested)
                {
                    var response = await TimeAsync("issue ticket", () => anonymous.PostAsJsonAsync("/api/offices/mix/tickets", new { serviceId = $"s{random.Next(Lines)}" }));
                    if (!response.IsSuccessStatusCode) continue;
                    var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticketId").GetString()!;
                    for (var read = 0; read < 2; read++) await TimeAsync("GET ticket (phone)", () => anonymous.GetAsync($"/api/tickets/{id}"));
                }
            })).ToList();
            var counterLoops = Enumerable.Range(0, Lines).Select(c => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var called = await TimeAsync("call-next", () => staff.PostAsync($"/api/offices/mix/counters/c{c}/call-next", null));
                    if (called.StatusCode == HttpStatusCode.OK)
                        await TimeAsync("complete", () => staff.PostAsync($"/api/offices/mix/counters/c{c}/complete", null));
                    else await Task.Delay(20); // nobody waiting: a moment before asking again, as staff would
                }
            })).ToList();
            await Task.WhenAll(visitorLoops.Concat(counterLoops));
            var elapsed = clock.Elapsed.TotalSeconds;
            await Task.WhenAll(followers.Select(f => f.DisposeAsync().AsTask()));

            Console.WriteLine($"  {"operation",-22} {"count",8} {"per s",8} {"p50",9} {"p99",9}");
            foreach (var (operation, samples) in timings.OrderBy(t => t.Key))
            {
                var sorted = samples.Order().ToList();
                Console.WriteLine($"  {operation,-22} {sorted.Count,8} {sorted.Count / elapsed,8:F0} {Bench.Percentile(sorted, 0.5),7:F1}ms {Bench.Percentile(sorted, 0.99),7:F1}ms");
            }
            Console.WriteLine($"  phones following: {updates} updates received");
            foreach (var (what, count) in errors) Console.WriteLine($"  refused or failed: {what} × {count}");
        }
    }

}

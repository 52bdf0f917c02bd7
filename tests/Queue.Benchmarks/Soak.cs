using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CounterQueue.Benchmarks;

/// <summary>
/// `-- soak [--minutes 10] [--rate 20]`: a steady day at a realistic rate against the real app (its own process):
/// --rate tickets a second across 19 services, every ticket called and completed by 19 counters, each ticket read
/// by its phone. Samples the app's working set every 10 s, to show whether memory stays flat, and its peak, with the
/// grains in memory (ticket lines, counters). `--cross-midnight` starts the app's clock (Queue:ClockStartsAt) at
/// 23:57 Japan time (the day before), so the run crosses a day: the old day's lines must leave memory a few minutes after midnight.
/// </summary>
public static class Soak
{
    private const int Lines = 19;

    public static async Task RunAsync(string[] args)
    {
        var minutes = double.Parse(Bench.Option(args, "--minutes", "10"), CultureInfo.InvariantCulture);
        var rate = int.Parse(Bench.Option(args, "--rate", "20"), CultureInfo.InvariantCulture);
        var crossMidnight = args.Contains("--cross-midnight");
        var environment = new Dictionary<string, string>();
        if (crossMidnight)
        {
            // The latest 23:57 (Japan) at least a quarter of an hour ago: a simulated clock may not run ahead of the machine's.
            var day = CounterQueue.Domain.Calendar.Tokyo.DateOf(DateTimeOffset.UtcNow);
            var start = CounterQueue.Domain.Calendar.Tokyo.At(day, new TimeSpan(23, 57, 0));
            while (start > DateTimeOffset.UtcNow.AddMinutes(-15)) start = CounterQueue.Domain.Calendar.Tokyo.At(day = day.AddDays(-1), new TimeSpan(23, 57, 0));
            environment["Queue__ClockStartsAt"] = start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }
        await using var app = await RunningApp.StartAsync("soak", Bench.Office("soak", Lines, counters: true), openCounters: true, environment);
        {
            var (http, staff, baseUrl) = (app.Anonymous, app.Staff, app.BaseUrl);

            Console.WriteLine($"Soak for {minutes} min at {rate} tickets/s (19 services, 19 counters serving them, phones reading), app on {baseUrl}");
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
            long issued = 0, served = 0, failures = 0;
            var visitors = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate));
                var pending = new List<Task>();
                try
                {
                    for (var i = 0; await timer.WaitForNextTickAsync(stop.Token); i++)
                    {
                        var service = $"s{i % Lines}";
                        pending.Add(Task.Run(async () =>
                        {
                            var response = await http.PostAsJsonAsync("/api/offices/soak/tickets", new { serviceId = service });
                            if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref failures); return; }
                            Interlocked.Increment(ref issued);
                            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticketId").GetString();
                            await http.GetAsync($"/api/tickets/{id}");
                        }));
                        pending.RemoveAll(t => t.IsCompleted);
                    }
                }
                catch (OperationCanceledException) { }
                await Task.WhenAll(pending);
            });
            var counters = Enumerable.Range(0, Lines).Select(c => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var called = await staff.PostAsync($"/api/offices/soak/counters/c{c}/call-next", null);
                    if (called.StatusCode == HttpStatusCode.OK)
                    {
                        (await staff.PostAsync($"/api/offices/soak/counters/c{c}/complete", null)).EnsureSuccessStatusCode();
                        Interlocked.Increment(ref served);
                    }
                    else if (called.StatusCode == HttpStatusCode.Conflict && (await called.Content.ReadAsStringAsync()).Contains("\"counter-not-open\""))
                    {
                        // A new day (after midnight): counters are closed until their staff open them, as each morning.
                        (await staff.PostAsync($"/api/offices/soak/counters/c{c}/open", null)).EnsureSuccessStatusCode();
                    }
                    else
                    {
                        if (called.StatusCode != HttpStatusCode.NoContent) Console.WriteLine($"  call-next at c{c}: {(int)called.StatusCode} {await called.Content.ReadAsStringAsync()}");
                        try { await Task.Delay(200, stop.Token); } catch (OperationCanceledException) { }
                    }
                }
            })).ToList();
            var samples = new List<(double Minute, long WorkingSet)>();
            var clock = Stopwatch.StartNew();
            Console.WriteLine($"  {"minute",7} {"app clock",10} {"working set",12} {"issued",8} {"served",8} {"lines",6} {"counters",9}");
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(10), stop.Token); } catch (OperationCanceledException) { }
                app.Process.Refresh();
                samples.Add((clock.Elapsed.TotalMinutes, app.Process.WorkingSet64));
                var runtime = await staff.GetFromJsonAsync<JsonElement>("/api/admin/runtime");
                var activations = runtime.GetProperty("activations");
                int Count(string grain) => activations.TryGetProperty(grain, out var n) ? n.GetInt32() : 0;
                var appClock = runtime.GetProperty("now").GetDateTimeOffset();
                Console.WriteLine($"  {clock.Elapsed.TotalMinutes,7:F1} {CounterQueue.Domain.Calendar.Tokyo.ToLocal(appClock),10:HH:mm:ss} {app.Process.WorkingSet64 / 1048576.0,9:F0} MB " +
                                  $"{Interlocked.Read(ref issued),8} {Interlocked.Read(ref served),8} {Count("TicketLineGrain"),6} {Count("CounterGrain"),9}");
            }
            await Task.WhenAll(counters.Append(visitors));
            var firstMinute = samples.Where(s => s.Minute <= 1.05).Select(s => s.WorkingSet).DefaultIfEmpty(0).Average();
            var lastMinute = samples.Where(s => s.Minute >= samples[^1].Minute - 1).Select(s => s.WorkingSet).Average();
            Console.WriteLine($"  peak working set {samples.Max(s => s.WorkingSet) / 1048576.0:F0} MB; last minute ÷ first minute {lastMinute / firstMinute:F2}; " +
                              $"{issued} issued, {served} served, {failures} refused");
        }
    }

}

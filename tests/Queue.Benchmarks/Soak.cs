using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;

namespace CounterQueue.Benchmarks;

/// <summary>
/// `-- soak [--minutes 10] [--rate 20]`: a steady day at a realistic rate against the real app (its own process):
/// --rate tickets a second across 19 services, every ticket called and completed by 19 counters, each ticket read
/// by its phone. Samples the app's working set every 10 s, to show whether memory stays flat, and its peak.
/// </summary>
public static class Soak
{
    private const int Lines = 19;

    public static async Task RunAsync(string[] args)
    {
        var minutes = double.Parse(Option(args, "--minutes", "10"), CultureInfo.InvariantCulture);
        var rate = int.Parse(Option(args, "--rate", "20"), CultureInfo.InvariantCulture);
        var data = Path.Combine(Path.GetTempPath(), "counterqueue-soak-" + Guid.NewGuid().ToString("N")[..8]);
        var port = HubLatency.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var app = HubLatency.StartApp(data, port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
            await HubLatency.WaitUntilReadyAsync(http);
            using var staff = new HttpClient { BaseAddress = new Uri(baseUrl) };
            staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await HubLatency.TokenAsync(http));
            (await staff.PutAsJsonAsync("/api/admin/offices/soak", Office(), new JsonSerializerOptions(JsonSerializerDefaults.Web)
            {
                Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
            })).EnsureSuccessStatusCode();
            for (var i = 0; i < Lines; i++) (await staff.PostAsync($"/api/offices/soak/counters/c{i}/open", null)).EnsureSuccessStatusCode();

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
                    else
                    {
                        if (called.StatusCode != HttpStatusCode.NoContent) Console.WriteLine($"  call-next at c{c}: {(int)called.StatusCode} {await called.Content.ReadAsStringAsync()}");
                        try { await Task.Delay(200, stop.Token); } catch (OperationCanceledException) { }
                    }
                }
            })).ToList();
            var samples = new List<(double Minute, long WorkingSet)>();
            var clock = Stopwatch.StartNew();
            Console.WriteLine($"  {"minute",7} {"working set",12} {"issued",8} {"served",8}");
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(10), stop.Token); } catch (OperationCanceledException) { }
                app.Refresh();
                samples.Add((clock.Elapsed.TotalMinutes, app.WorkingSet64));
                Console.WriteLine($"  {clock.Elapsed.TotalMinutes,7:F1} {app.WorkingSet64 / 1048576.0,9:F0} MB {Interlocked.Read(ref issued),8} {Interlocked.Read(ref served),8}");
            }
            await Task.WhenAll(counters.Append(visitors));
            var firstMinute = samples.Where(s => s.Minute <= 1.05).Select(s => s.WorkingSet).DefaultIfEmpty(0).Average();
            var lastMinute = samples.Where(s => s.Minute >= samples[^1].Minute - 1).Select(s => s.WorkingSet).Average();
            Console.WriteLine($"  peak working set {samples.Max(s => s.WorkingSet) / 1048576.0:F0} MB; last minute ÷ first minute {lastMinute / firstMinute:F2}; " +
                              $"{issued} issued, {served} served, {failures} refused");
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static OfficeDefinition Office()
    {
        var always = DailyHours.Parse("00:00", "24:00");
        return new OfficeDefinition
        {
            Id = "soak", Kind = OfficeKind.Ward, Name = new LocalizedText("耐久区役所", "Soak Ward Office"),
            Hours = new OfficeSchedule { Weekdays = always, Saturdays = new SaturdayHours { Hours = always }, Sundays = always, ClosedOnHolidays = false, YearEndClosure = false },
            Sections = [new SectionDefinition("sec", new LocalizedText("課", "Section"), "1F")],
            Services = Enumerable.Range(0, Lines).Select(i => new ServiceDefinition
            {
                Id = $"s{i}", SectionId = "sec", Name = new LocalizedText($"手続き{i}", $"Service {i}"), TicketPrefix = $"{(char)('A' + i)}",
            }).ToList(),
            Counters = Enumerable.Range(0, Lines).Select(i => new CounterDefinition
            {
                Id = $"c{i}", Label = new LocalizedText($"{i}番窓口", $"Counter {i}"), Floor = "1F", ServiceIds = [$"s{i}"],
            }).ToList(),
        };
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}

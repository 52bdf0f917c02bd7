using System.Diagnostics;
using System.Text.Json;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Tickets;
using CounterQueue.Silo;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Offices;
using CounterQueue.Silo.Storage;
using CounterQueue.Silo.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CounterQueue.Benchmarks;

/// <summary>
/// `-- line [--tickets 20000]`: does a ticket cost the same late in a busy day as early? One line takes
/// --tickets tickets (64 at a time) through the real grain on the embedded store, reported per tenth of the day;
/// the baseline, in the same run, is the former way of storing a line (the whole line rewritten on every change,
/// with the same group commit and write batching). Then the silo restarts and the line's first answer is timed.
/// </summary>
public static class LineGrowth
{
    private const int Concurrency = 64;

    public static async Task RunAsync(string[] args, Func<string, int, int> argument)
    {
        var tickets = argument("--tickets", 20_000);
        var root = Path.Combine(Path.GetTempPath(), "counterqueue-line-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        Console.WriteLine($"One line's day: {tickets} tickets, {Concurrency} at a time, embedded store (WAL + synchronous=FULL)");

        var baseline = await WholeLineRewriteAsync(Path.Combine(root, "whole.db"), tickets);
        var (records, restart) = await RecordsThroughGrainAsync(Path.Combine(root, "silo"), tickets);

        Console.WriteLine($"  {"tenth of the day",-18} {"whole line rewritten (before)",30} {"header + changed ticket (now)",32} {"now / before",13}");
        for (var i = 0; i < 10; i++)
            Console.WriteLine($"  {i + 1,-18} {baseline[i],24:F0} tickets/s {records[i],26:F0} tickets/s {records[i] / baseline[i],12:F1}x");
        Console.WriteLine($"  last tenth / first tenth: before {baseline[9] / baseline[0]:F2}, now {records[9] / records[0]:F2} (1.00 = flat)");
        Console.WriteLine($"  restart with {tickets} tickets in the line: first answer after {restart.First:F0} ms " +
                          $"(silo start excluded); next issue {restart.NextIssue:F1} ms");
        Directory.Delete(root, recursive: true);
    }

    /// <summary>The former storage of a line: one JSON state with every ticket, rewritten on each (batched) write.</summary>
    private static async Task<double[]> WholeLineRewriteAsync(string path, int tickets)
    {
        using var store = new SqliteStore(path, NullLogger<SqliteStore>.Instance);
        var state = new TicketLineState();
        var line = new TicketLine(state, Bench.Service(0));
        long? version = null;
        var gate = new SemaphoreSlim(1, 1); // the grain's single thread
        var writer = new WriteBatcher(async () =>
        {
            var data = JsonSerializer.SerializeToUtf8Bytes(state, StateJsonSerializer.Options);
            version = await store.WriteAsync("ticketLine", "whole", data, version);
        });
        var start = DateTimeOffset.UtcNow;
        return await PerTenthAsync(tickets, async i =>
        {
            Task write;
            await gate.WaitAsync();
            try
            {
                line.Issue($"t{i}", Priority.Normal, null, start.AddMilliseconds(i));
                line.TakeChanges();
                write = writer.WriteAsync();
            }
            finally
            {
                gate.Release();
            }
            await write;
        });
    }

    private static async Task<(double[] PerTenth, (double First, double NextIssue) Restart)> RecordsThroughGrainAsync(string dataDirectory, int tickets)
    {
        var today = Tokyo.DateOf(DateTimeOffset.UtcNow);
        var key = new TicketLineKey("bench", "s0", today);
        double[] perTenth;
        using (var host = await StartSiloAsync(dataDirectory))
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            await DefineOfficeAsync(grains);
            var grain = grains.GetGrain<ITicketLineGrain>(key.ToGrainKey());
            perTenth = await PerTenthAsync(tickets, _ => grain.IssueAsync(new IssueTicket(TicketId.New(key), Priority.Normal, null)));
            await host.StopAsync();
        }
        using (var host = await StartSiloAsync(dataDirectory))
        {
            var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ITicketLineGrain>(key.ToGrainKey());
            var started = Stopwatch.GetTimestamp();
            var summary = await grain.GetSummaryAsync();
            var first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (summary.Waiting != tickets) throw new InvalidOperationException($"{summary.Waiting} tickets after the restart, not {tickets}");
            started = Stopwatch.GetTimestamp();
            await grain.IssueAsync(new IssueTicket(TicketId.New(key), Priority.Normal, null));
            var next = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await host.StopAsync();
            return (perTenth, (first, next));
        }
    }

    private static async Task<double[]> PerTenthAsync(int tickets, Func<int, Task> issue)
    {
        var tenth = Math.Max(1, tickets / 10);
        var rates = new double[10];
        for (var part = 0; part < 10; part++)
        {
            var stop = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(part * tenth, tenth), new ParallelOptions { MaxDegreeOfParallelism = Concurrency },
                async (i, _) => await issue(i));
            rates[part] = tenth / stop.Elapsed.TotalSeconds;
        }
        return rates;
    }

    private static async Task<IHost> StartSiloAsync(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: Bench.FreePort(), gatewayPort: 0)
            .AddQueueGrains(dataDirectory));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static Task DefineOfficeAsync(IGrainFactory grains)
    {
        return grains.GetGrain<IOfficeGrain>("bench").DefineAsync(Bench.Office("bench", 1), onlyIfNew: false);
    }

}

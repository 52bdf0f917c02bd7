using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CounterQueue.Domain;
using CounterQueue.Domain.Counters;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.Tickets;

namespace CounterQueue.Benchmarks;

/// <summary>
/// `-- rules [BenchmarkDotNet arguments]`: the queue rules' hot paths with BenchmarkDotNet (time and allocations), at
/// a quiet line (100 waiting) and a city's busiest (20,000 waiting), so a change that makes them grow with the line
/// shows. Runs in process (no separate build).
/// </summary>
[MemoryDiagnoser]
public class RuleBenchmarks
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-24T09:00:00+09:00");
    private static readonly ServiceDefinition Service = new()
    {
        Id = "s", SectionId = "sec", Name = new LocalizedText("s", "s"), TicketPrefix = "A", DefaultServiceMinutes = 5,
    };
    private static readonly FairnessOptions Fairness = new();

    [Params(100, 20_000)]
    public int Waiting { get; set; }

    private TicketLine _line = null!;
    private TicketRecord _newest = null!;
    private CallCandidate[] _candidates = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _line = new TicketLine(new TicketLineState(), Service);
        for (var i = 0; i < Waiting; i++) _newest = _line.Issue($"t{i}", i % 10 == 0 ? Priority.Assisted : Priority.Normal, null, T0.AddSeconds(i));
        _line.TakeChanges();
        _next = Waiting;
        // A counter serving several services compares their lines' heads.
        _candidates = Enumerable.Range(0, 6).SelectMany(s => new[]
        {
            new CallCandidate($"s{s}", $"a{s}", Priority.Assisted, T0.AddMinutes(s), s),
            new CallCandidate($"s{s}", $"n{s}", Priority.Normal, T0.AddMinutes(s + 0.5), s + 100),
        }).ToArray();
    }

    /// <summary>A visitor takes a ticket, and the next one is called and served: the line's waiting count stays the same.</summary>
    [Benchmark]
    public TicketRecord Issue_then_call_and_complete_the_head()
    {
        var at = T0.AddSeconds(_next);
        var issued = _line.Issue($"t{_next++}", Priority.Normal, null, at);
        var called = _line.Take(null, Priority.Normal, "c1", at)!;
        _line.Complete(called.Id, "c1", at.AddMinutes(3));
        _line.TakeChanges();
        return issued;
    }

    [Benchmark]
    public (TicketRecord?, TicketRecord?) Heads() => _line.Heads();

    [Benchmark]
    public int Position_of_the_newest_ticket() => _line.Position(_newest);

    [Benchmark]
    public int Estimate_for_a_new_ticket() => _line.EstimateWaitForNewTicket();

    [Benchmark]
    public CallChoice? Choose_across_six_services_with_priorities() => CallPolicy.Choose(_candidates, priorityStreak: 2, Fairness);

    public static void Run(string[] args)
    {
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        BenchmarkRunner.Run<RuleBenchmarks>(config, args);
    }
}

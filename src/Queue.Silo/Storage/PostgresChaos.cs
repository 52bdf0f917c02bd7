using Microsoft.Extensions.Configuration;

namespace CounterQueue.Silo.Storage;

/// <summary>
/// Fault and latency injected into the PostgreSQL pipeline (Polly's chaos strategies), for drills and tests: a share of
/// the calls fail with a database error, or wait before they run. Off unless set: from <c>Queue:Chaos:*</c> at start
/// (<c>PostgresFaultRate</c>, <c>PostgresLatencyRate</c> between 0 and 1, <c>PostgresLatency</c> a time span), or changed
/// while running by a test. A failing or slow database must turn into "try again shortly" (503 with Retry-After), never
/// a 500, and never lose or double a ticket.
/// </summary>
public sealed class PostgresChaos
{
    public PostgresChaos() { }

    public PostgresChaos(IConfiguration configuration)
    {
        var section = configuration.GetSection("Queue:Chaos");
        FaultRate = Math.Clamp(section.GetValue("PostgresFaultRate", 0.0), 0, 1);
        LatencyRate = Math.Clamp(section.GetValue("PostgresLatencyRate", 0.0), 0, 1);
        Latency = section.GetValue("PostgresLatency", TimeSpan.FromSeconds(1));
    }

    public double FaultRate { get; set; }
    public double LatencyRate { get; set; }
    public TimeSpan Latency { get; set; } = TimeSpan.FromSeconds(1);
}

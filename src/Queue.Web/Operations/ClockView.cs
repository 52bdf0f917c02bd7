namespace CounterQueue.Web.Operations;

/// <summary>GET /api/clock: the office's time now, by this host's clock, with its offset (+09:00).</summary>
public sealed record ClockView(DateTimeOffset Now);

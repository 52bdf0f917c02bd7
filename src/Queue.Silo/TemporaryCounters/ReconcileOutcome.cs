
namespace CounterQueue.Silo.TemporaryCounters;

/// <summary>Where a temporary counter stands after <see cref="TemporaryCounterOperator.ReconcileAsync"/>.</summary>
public sealed record ReconcileOutcome(bool Open, bool ClosePending);

using CounterQueue.Domain.Idempotency;

namespace CounterQueue.Tests.Domain;

public sealed class IdempotencyRulesTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-24T09:00:00+09:00");

    [Fact]
    public void A_new_key_runs_with_the_proposed_id()
    {
        var (outcome, record) = IdempotencyRules.Begin(null, "f", T0, "op1");
        Assert.Equal((IdempotencyOutcome.Run, "op1"), (outcome, record.OperationId));
    }

    [Fact]
    public void An_unfinished_attempt_runs_again_with_the_same_id()
    {
        var (_, first) = IdempotencyRules.Begin(null, "f", T0, "op1");
        var (outcome, record) = IdempotencyRules.Begin(first, "f", T0.AddMinutes(1), "op2");
        Assert.Equal((IdempotencyOutcome.Run, "op1"), (outcome, record.OperationId));
    }

    [Fact]
    public void A_finished_attempt_is_replayed_and_a_different_request_refused()
    {
        var (_, first) = IdempotencyRules.Begin(null, "f", T0, "op1");
        first.Status = 201;
        Assert.Equal(IdempotencyOutcome.Replay, IdempotencyRules.Begin(first, "f", T0.AddHours(23), "op2").Outcome);
        Assert.Equal(IdempotencyOutcome.Mismatch, IdempotencyRules.Begin(first, "other", T0, "op2").Outcome);
    }

    [Fact]
    public void After_24_hours_the_key_is_new_again()
    {
        var (_, first) = IdempotencyRules.Begin(null, "f", T0, "op1");
        first.Status = 201;
        var (outcome, record) = IdempotencyRules.Begin(first, "f", T0.AddHours(24), "op2");
        Assert.Equal((IdempotencyOutcome.Run, "op2"), (outcome, record.OperationId));
    }
}

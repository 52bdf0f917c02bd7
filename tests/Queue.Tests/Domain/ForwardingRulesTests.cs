using CounterQueue.Domain;
using CounterQueue.Domain.Forwarding;
using static CounterQueue.Tests.Support.TestSchedules;

namespace CounterQueue.Tests.Domain;

/// <summary>書類回送 alone: fiscal years, the order of the steps, and the overdue rule counted in the ward office's business days.</summary>
public sealed class ForwardingRulesTests
{
    private static ForwardingItem Item(string acceptedAt) => new()
    {
        Id = "daishi.care-certification.2026.0001", Serial = 1, FiscalYear = 2026, DocumentTypeId = "care-certification", SectionId = "elderly-disability",
        BranchId = "daishi", WardOfficeId = "kawasaki", AcceptedAt = Jst(acceptedAt), AcceptedBy = "sato",
    };

    [Theory]
    [InlineData("2026-03-31T23:59:00", 2025)]
    [InlineData("2026-04-01T00:00:00", 2026)]
    [InlineData("2027-01-15T10:00:00", 2026)]
    public void The_fiscal_year_runs_from_April_in_Japan_time(string at, int fiscalYear) =>
        Assert.Equal(fiscalYear, ForwardingRules.FiscalYearOf(Jst(at)));

    [Fact]
    public void The_steps_go_in_order_each_with_who_and_when_and_a_repeated_step_changes_nothing()
    {
        var item = Item("2026-11-24T10:00:00");
        Assert.Equal("forwarding-out-of-order", Assert.Throws<QueueRuleException>(() => ForwardingRules.Receive(item, Jst("2026-11-24T11:00:00"), "ito")).Code);
        var dispatched = ForwardingRules.Dispatch(item, Jst("2026-11-24T16:00:00"), "sato");
        Assert.Same(dispatched, ForwardingRules.Dispatch(dispatched, Jst("2026-11-24T17:00:00"), "other"));
        var received = ForwardingRules.Receive(dispatched, Jst("2026-11-25T09:30:00"), "ito");
        Assert.Equal((ForwardingStatus.Received, "ito", Jst("2026-11-25T09:30:00")), (received.Status, received.ReceivedBy, received.ReceivedAt!.Value));
        var completed = ForwardingRules.Complete(received, Jst("2026-11-26T10:00:00"), "sato");
        Assert.Equal(ForwardingStatus.Completed, completed.Status);
        Assert.Throws<QueueRuleException>(() => ForwardingRules.Dispatch(completed, Jst("2026-11-26T11:00:00"), "sato"));
    }

    [Fact]
    public void A_paper_not_received_within_the_business_days_is_overdue_weekends_and_holidays_do_not_count()
    {
        // Accepted on Friday 2026-11-20; Monday 11/23 is a holiday (勤労感謝の日): 3 business days are 11/24, 25, 26.
        var item = ForwardingRules.Dispatch(Item("2026-11-20T15:00:00"), Jst("2026-11-20T16:00:00"), "sato");
        Assert.Equal(Jst("2026-11-27T00:00:00"), ForwardingRules.DueBy(item, Ward, 3));
        Assert.False(ForwardingRules.IsOverdue(item, Jst("2026-11-26T23:59:00"), Ward, 3));
        Assert.True(ForwardingRules.IsOverdue(item, Jst("2026-11-27T00:00:01"), Ward, 3));
        var received = ForwardingRules.Receive(item, Jst("2026-11-27T09:00:00"), "ito");
        Assert.False(ForwardingRules.IsOverdue(received, Jst("2026-12-10T09:00:00"), Ward, 3)); // received, even late: no longer overdue
    }
}

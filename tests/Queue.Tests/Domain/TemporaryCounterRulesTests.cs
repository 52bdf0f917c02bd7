using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.TemporaryCounters;

namespace CounterQueue.Tests.Domain;

public sealed class TemporaryCounterRulesTests
{
    private static readonly DateTimeOffset Now = Tokyo.At(new DateOnly(2027, 3, 1), TimeSpan.FromHours(10));
    private static TemporarySession Session(int day, int opens, int closes) =>
        new(new DateOnly(2027, 3, day), TimeSpan.FromHours(opens), TimeSpan.FromHours(closes));

    private static TemporaryCounterSchedule Schedule(string id, params TemporarySession[] sessions) => new()
    {
        Id = id, ProcedureId = "taxi-voucher", OfficeId = "daishi", Sessions = sessions,
    };

    [Fact]
    public void Sessions_are_in_Tokyo_time_and_open_from_start_to_end()
    {
        var session = Session(17, 9, 16);
        Assert.Equal(new DateTimeOffset(2027, 3, 17, 0, 0, 0, TimeSpan.Zero), session.StartsAt); // 09:00 JST
        Assert.True(session.IsOpenAt(session.StartsAt));
        Assert.False(session.IsOpenAt(session.EndsAt));
        Assert.False(session.IsOpenAt(session.StartsAt.AddTicks(-1)));
    }

    [Fact]
    public void A_session_that_closes_before_it_opens_is_invalid()
    {
        var e = Assert.Throws<QueueRuleException>(() => TemporaryCounterRules.ValidateSessions([Session(17, 16, 9)], [], Now));
        Assert.Equal(("session-closes-before-opens", QueueErrorKind.Invalid), (e.Code, e.Kind));
    }

    [Fact]
    public void A_session_in_the_past_is_invalid_but_one_still_running_is_fine()
    {
        var past = Assert.Throws<QueueRuleException>(() => TemporaryCounterRules.ValidateSessions([Session(1, 8, 9)], [], Now));
        Assert.Equal("session-in-past", past.Code);
        Assert.Single(TemporaryCounterRules.ValidateSessions([Session(1, 9, 16)], [], Now));
    }

    [Theory]
    [InlineData(1, 1, 1, "session-in-past")]
    [InlineData(9999, 12, 31, "session-too-far")]
    [InlineData(2029, 3, 2, "session-too-far")]
    public void Far_off_dates_are_refused_as_mistakes(int year, int month, int day, string code)
    {
        var session = new TemporarySession(new DateOnly(year, month, day), TimeSpan.FromHours(9), TimeSpan.FromHours(24));
        Assert.Equal(code, Assert.Throws<QueueRuleException>(() => TemporaryCounterRules.ValidateSessions([session], [], Now)).Code);
    }

    [Fact]
    public void Overlapping_sessions_of_the_same_counter_conflict()
    {
        var inRequest = Assert.Throws<QueueRuleException>(() => TemporaryCounterRules.ValidateSessions([Session(17, 9, 12), Session(17, 11, 16)], [], Now));
        Assert.Equal(QueueErrorKind.Conflict, inRequest.Kind);
        var withExisting = Assert.Throws<QueueRuleException>(() =>
            TemporaryCounterRules.ValidateSessions([Session(17, 15, 17)], [Schedule("old", Session(17, 9, 16))], Now));
        Assert.Equal(("session-overlap", QueueErrorKind.Conflict), (withExisting.Code, withExisting.Kind));
        // Back to back is not an overlap.
        Assert.Single(TemporaryCounterRules.ValidateSessions([Session(17, 16, 17)], [Schedule("old", Session(17, 9, 16))], Now));
    }

    [Fact]
    public void The_notice_reads_as_the_ward_office_writes_it()
    {
        var procedure = new TemporaryProcedure { Id = "fureai-free-pass", TicketPrefix = "U", Name = new LocalizedText("ふれあいフリーパス", "Fureai Free Pass") };
        var text = TemporaryCounterRules.NoticeText(new LocalizedText("大師支所", "Daishi Branch"), procedure, Session(24, 9, 16));
        Assert.Equal("大師支所で本日9:00〜16:00 ふれあいフリーパスの臨時窓口を開設しています", text.Ja);
        Assert.Equal("Daishi Branch: temporary counter for Fureai Free Pass open today 9:00–16:00", text.En);
    }

    [Fact]
    public void Adding_the_temporary_counter_to_an_office_is_idempotent_and_never_takes_over_a_regular_service()
    {
        var office = Support.TestOffices.Create();
        var procedure = new TemporaryProcedure { Id = "taxi-voucher", TicketPrefix = "T", Name = new LocalizedText("タクシー券", "Taxi vouchers") };
        var once = TemporaryCounterRules.WithTemporaryCounter(office, procedure, null);
        Assert.Contains(once.Services, s => s is { Id: "taxi-voucher", Temporary: true });
        Assert.Contains(once.Counters, c => c is { Id: "tmp-taxi-voucher", Temporary: true });
        Assert.Empty(CounterQueue.Domain.Offices.OfficeDefinitionValidator.Validate(once));
        Assert.Same(once, TemporaryCounterRules.WithTemporaryCounter(once, procedure, null));
        var clash = procedure with { Id = "a" };
        Assert.Equal("service-not-temporary", Assert.Throws<QueueRuleException>(() => TemporaryCounterRules.WithTemporaryCounter(office, clash, null)).Code);
    }
}

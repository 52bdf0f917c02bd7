using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.History;
using CounterQueue.Domain.Offices;
using CounterQueue.Domain.Tickets;

namespace CounterQueue.Tests.Domain;

/// <summary>The history's rules alone: what a line records, how a forecast learns, how durations are summed up.</summary>
public sealed class VisitHistoryRulesTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-24T09:00:00+09:00");

    private static readonly ServiceDefinition ThreeSteps = new()
    {
        Id = "m", SectionId = "s", Name = new LocalizedText("転入", "Moving"), TicketPrefix = "M", DefaultServiceMinutes = 5,
        Steps = [new StepDefinition("reception", StepKind.Counter), new StepDefinition("processing", StepKind.Processing), new StepDefinition("pickup", StepKind.Counter)],
    };

    [Fact]
    public void A_line_records_each_step_of_a_visit_once_with_its_counter_and_step()
    {
        var line = new TicketLine(new TicketLineState(), ThreeSteps);
        line.Issue("x", Priority.Assisted, "en", T0);
        line.Take(null, Priority.Normal, "r1", T0.AddMinutes(3));
        line.Start("x", "r1", T0.AddMinutes(4));
        line.Start("x", "r1", T0.AddMinutes(4)); // twice: harmless, recorded once
        line.Complete("x", "r1", T0.AddMinutes(9));
        line.Ready("x", T0.AddMinutes(30));
        line.Take(null, Priority.Normal, "p1", T0.AddMinutes(32));
        line.Complete("x", "p1", T0.AddMinutes(33));
        var events = line.TakeEvents();
        Assert.Equal(["issued", "called", "started", "sentToProcessing", "ready", "called", "pickedUp"], events.Select(e => e.Kind));
        Assert.Equal([null, "r1", "r1", "r1", null, "p1", "p1"], events.Select(e => e.CounterId));
        Assert.Equal(["reception", "reception", "reception", "reception", "processing", "pickup", "pickup"], events.Select(e => e.Step));
        Assert.All(events, e => Assert.True(e.Assisted && e.Number == "M-001" && e.VisitId == "x" && e.ServiceId == "m"));
        Assert.Empty(line.TakeEvents()); // taken once
        var journey = VisitJourney.From(events)!;
        Assert.Equal((33.0, "pickedUp", 5.0), (journey.EndToEndMinutes, journey.Outcome, journey.WaitedMinutes)); // 3 + 2 waiting for counters
    }

    [Fact]
    public void Pick_ups_nobody_collects_are_recalled_once_then_marked_uncollected_and_leave_the_call_order()
    {
        var line = new TicketLine(new TicketLineState(), ThreeSteps);
        line.Issue("x", Priority.Normal, null, T0);
        line.Take(null, Priority.Normal, "r1", T0);
        line.Complete("x", "r1", T0.AddMinutes(5));
        line.Ready("x", T0.AddMinutes(10));
        line.TakeEvents();
        var recall = TimeSpan.FromMinutes(15);
        var uncollected = TimeSpan.FromMinutes(60);
        Assert.Empty(line.SweepPickups(T0.AddMinutes(24), recall, uncollected));
        Assert.Equal([false], line.SweepPickups(T0.AddMinutes(25), recall, uncollected).Select(c => c.Uncollected));
        Assert.Empty(line.SweepPickups(T0.AddMinutes(40), recall, uncollected)); // recalled once only
        Assert.Equal([true], line.SweepPickups(T0.AddMinutes(70), recall, uncollected).Select(c => c.Uncollected));
        Assert.Equal(["pickupRecalled", "uncollected"], line.TakeEvents().Select(e => e.Kind));
        Assert.Null(line.Take(null, Priority.Normal, "p1", T0.AddMinutes(71), ["pickup"]));
        Assert.Equal(["x"], line.Uncollected().Select(t => t.Id));
        Assert.Empty(line.ReadyForPickup());
        line.Ready("x", T0.AddMinutes(90)); // the visitor came back
        Assert.Empty(line.Uncollected());
        Assert.Equal("x", line.Take(null, Priority.Normal, "p1", T0.AddMinutes(91), ["pickup"])!.Id);
    }

    [Fact]
    public void Durations_give_nearest_rank_median_p90_and_max()
    {
        var stats = DurationStats.Of([4, 1, 3, 2, 10, 5, 6, 7, 8, 9]);
        Assert.Equal((10, 5.0, 9.0, 10.0), (stats.Count, stats.MedianMinutes, stats.P90Minutes, stats.MaxMinutes));
        Assert.Equal((0, (double?)null), (DurationStats.Of([]).Count, DurationStats.Of([]).MedianMinutes));
    }

    /// <summary>A visit issued at <paramref name="issued"/> and called <paramref name="waitMinutes"/> later.</summary>
    private static IEnumerable<VisitEvent> Visit(string id, string service, DateTimeOffset issued, double waitMinutes) =>
    [
        new VisitEvent(VisitEventKinds.Issued, issued, "o", Tokyo.DateOf(issued), service, id),
        new VisitEvent(VisitEventKinds.Called, issued.AddMinutes(waitMinutes), "o", Tokyo.DateOf(issued), service, id, CounterId: "c1"),
    ];

    [Fact]
    public void A_forecast_learns_each_kind_of_day_and_hour_from_history_and_leans_on_the_prior_where_it_is_thin()
    {
        // Eight Mondays: ten tickets at 9:xx waiting 30 minutes, ten at 14:xx waiting 6. One Monday had a temporary counter
        // (臨時窓口) and 90-minute waits at 9:xx; it must not count as a Monday. Saturdays: two tickets at 9:xx waiting 20.
        var mondays = Enumerable.Range(0, 8).Select(w => new DateOnly(2026, 9, 7).AddDays(7 * w)).ToList(); // 2026-09-07 is a Monday
        var temporary = mondays[^1]; // 2026-10-26
        var events = new List<VisitEvent>();
        var n = 0;
        foreach (var day in mondays)
        {
            for (var i = 0; i < 10; i++)
            {
                events.AddRange(Visit($"v{n++}", "s", Tokyo.At(day, new TimeSpan(9, 5 * i, 0)), day == temporary ? 90 : 30));
                events.AddRange(Visit($"v{n++}", "s", Tokyo.At(day, new TimeSpan(14, 5 * i, 0)), 6));
            }
        }
        events.AddRange(Visit("sat1", "s", Tokyo.At(new DateOnly(2026, 11, 14), new TimeSpan(9, 10, 0)), 20));
        events.AddRange(Visit("sat2", "s", Tokyo.At(new DateOnly(2026, 11, 14), new TimeSpan(9, 20, 0)), 20));
        events.Add(new VisitEvent(VisitEventKinds.Issued, Tokyo.At(mondays[0], new TimeSpan(9, 1, 0)), "o", mondays[0], "s", "never-called"));

        var forecast = CongestionForecast.Learn(events, d => DayKinds.Of(d, true, d == temporary), _ => 10);
        // Prior at 9:00 = 10 × 1.4 = 14; at 14:00 = 10 × 1.0 = 10; weight 8 tickets.
        Assert.Equal(new HourForecast(9, (int)Math.Round((70 * 30 + 8 * 14.0) / 78), 70), forecast.Expect("s", "monday", 9)); // 28.4 → 28
        Assert.Equal(new HourForecast(14, (int)Math.Round((70 * 6 + 8 * 10.0) / 78), 70), forecast.Expect("s", "monday", 14)); // 6.4 → 6
        Assert.Equal(new HourForecast(9, (int)Math.Round((10 * 90 + 8 * 14.0) / 18), 10), forecast.Expect("s", DayKinds.TemporaryCounter, 9)); // 56
        Assert.Equal(new HourForecast(9, (int)Math.Round((2 * 20 + 8 * 14.0) / 10), 2), forecast.Expect("s", DayKinds.Saturday, 9)); // thin: 15
        Assert.Equal(new HourForecast(9, 14, 0), forecast.Expect("s", "tuesday", 9)); // nothing known: the prior
        Assert.Equal(new HourForecast(9, 14, 0), forecast.Expect("other", "monday", 9));

        var hours = forecast.Day("s", "monday", DailyHours.Parse("08:30", "17:15"));
        Assert.Equal(Enumerable.Range(8, 10), hours.Select(h => h.Hour)); // 8:30 to 17:15: hours 8 … 17
        Assert.Empty(forecast.Day("s", DayKinds.Closed, null));
        Assert.Equal(DayKinds.Saturday, DayKinds.Of(new DateOnly(2026, 11, 28), true, false));
        Assert.Equal(DayKinds.TemporaryCounter, DayKinds.Of(new DateOnly(2026, 11, 28), true, true));
        Assert.Equal("friday", DayKinds.Of(new DateOnly(2026, 11, 27), true, false));
        Assert.Equal(DayKinds.Closed, DayKinds.Of(new DateOnly(2026, 11, 29), false, false));
    }
}

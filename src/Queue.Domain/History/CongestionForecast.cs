using CounterQueue.Domain.Calendar;

namespace CounterQueue.Domain.History;

/// <summary>
/// Kinds of day a forecast tells apart: each weekday on its own (Monday is not Thursday), open Saturdays, and days with a
/// temporary counter (臨時窓口: a season's crowd), which look like none of the others.
/// </summary>
public static class DayKinds
{
    public const string Saturday = "saturday";
    public const string TemporaryCounter = "temporaryCounter";
    public const string Closed = "closed";

    public static string Weekday(DayOfWeek day) => day.ToString().ToLowerInvariant();

    public static string Of(DateOnly date, bool open, bool temporaryCounter) =>
        !open ? Closed : temporaryCounter ? TemporaryCounter : date.DayOfWeek == DayOfWeek.Saturday ? Saturday : Weekday(date.DayOfWeek);
}

/// <summary>The expected wait for a ticket taken in one hour (Japan time), and how many past tickets it rests on.</summary>
public sealed record HourForecast(int Hour, int ExpectedWaitMinutes, int Samples);

/// <summary>
/// Expected waits by hour for each kind of day (<see cref="DayKinds"/>), learned from the waits of past weeks: for a kind
/// of day and an hour, the mean wait of the tickets taken in that hour on such days, pulled towards a prior when few
/// tickets are known (a weighted mean with <see cref="PriorWeight"/> tickets' worth of prior), so a new office or a rare
/// kind of day still gets a sensible curve and one odd morning does not swing it.
/// </summary>
public sealed class CongestionForecast
{
    /// <summary>How many tickets' worth of weight the prior has against the history.</summary>
    public const double PriorWeight = 8;

    /// <summary>
    /// A ward office's usual day, relative to its average (窓口の混雑傾向): a rush after opening, a lull at lunch, a second
    /// peak early in the afternoon, quiet before closing.
    /// </summary>
    private static readonly Dictionary<int, double> TypicalShape = new()
    {
        [8] = 1.1, [9] = 1.4, [10] = 1.3, [11] = 1.0, [12] = 0.7, [13] = 1.1, [14] = 1.0, [15] = 0.8, [16] = 0.6, [17] = 0.4,
    };

    private readonly Dictionary<(string Service, string DayKind, int Hour), (double Sum, int Count)> _cells = [];
    private readonly Func<string, double> _priorBase;

    /// <param name="priorBaseMinutes">A service's typical wait, for the prior (e.g. twice its usual service time).</param>
    private CongestionForecast(Func<string, double> priorBaseMinutes) => _priorBase = priorBaseMinutes;

    /// <summary>
    /// Learns from past events (issued and called are what count). <paramref name="dayKind"/> says what kind each past day was.
    /// </summary>
    public static CongestionForecast Learn(IEnumerable<VisitEvent> events, Func<DateOnly, string> dayKind, Func<string, double> priorBaseMinutes)
    {
        var forecast = new CongestionForecast(priorBaseMinutes);
        foreach (var visit in events.Where(e => e.VisitId is not null).GroupBy(e => e.VisitId!))
        {
            var ordered = visit.OrderBy(e => e.At).ToList();
            if (ordered[0] is not { Kind: VisitEventKinds.Issued, ServiceId: { } service } issued) continue;
            var firstWait = VisitFacts.Waits(ordered).FirstOrDefault();
            if (firstWait is null) continue; // never called (cancelled, still waiting): no wait to learn from
            var key = (service, dayKind(issued.Day), Tokyo.ToLocal(issued.At).Hour);
            var cell = forecast._cells.GetValueOrDefault(key);
            forecast._cells[key] = (cell.Sum + firstWait.Minutes, cell.Count + 1);
        }
        return forecast;
    }

    /// <summary>The prior for a service at an hour: its typical wait shaped by the usual day.</summary>
    public double Prior(string serviceId, int hour) => _priorBase(serviceId) * TypicalShape.GetValueOrDefault(hour, 0.5);

    /// <summary>The expected wait for a ticket of the service taken at <paramref name="hour"/> on a day of <paramref name="dayKind"/>.</summary>
    public HourForecast Expect(string serviceId, string dayKind, int hour)
    {
        var (sum, count) = _cells.GetValueOrDefault((serviceId, dayKind, hour));
        var expected = (sum + PriorWeight * Prior(serviceId, hour)) / (count + PriorWeight);
        return new HourForecast(hour, (int)Math.Round(expected, MidpointRounding.AwayFromZero), count);
    }

    /// <summary>The hours of a day the office takes tickets (from its opening hour to the hour before closing), each with its forecast.</summary>
    public IReadOnlyList<HourForecast> Day(string serviceId, string dayKind, DailyHours? hours)
    {
        if (hours is null || dayKind == DayKinds.Closed) return [];
        var first = (int)hours.Opens.TotalHours;
        var last = (int)Math.Ceiling(hours.Closes.TotalHours) - 1;
        return Enumerable.Range(first, Math.Max(0, last - first + 1)).Select(h => Expect(serviceId, dayKind, h)).ToList();
    }
}

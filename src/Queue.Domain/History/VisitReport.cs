using CounterQueue.Domain.Calendar;

namespace CounterQueue.Domain.History;

/// <summary>Median, 90th percentile and maximum of a set of durations, in minutes (null when there are none).</summary>
public sealed record DurationStats(int Count, double? MedianMinutes, double? P90Minutes, double? MaxMinutes)
{
    public static DurationStats Of(IEnumerable<double> minutes)
    {
        var sorted = minutes.OrderBy(m => m).ToArray();
        if (sorted.Length == 0) return new DurationStats(0, null, null, null);
        return new DurationStats(sorted.Length, Round(Percentile(sorted, 0.5)), Round(Percentile(sorted, 0.9)), Round(sorted[^1]));
    }

    /// <summary>The nearest-rank percentile (a value that occurred, as a manager would check by hand).</summary>
    public static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Round(double minutes) => Math.Round(minutes, 1);
}

/// <summary>One line of a report: a service or a counter of an office over the report's days.</summary>
public sealed record ReportRow(
    string Scope,
    string Id,
    int Issued,
    int Served,
    int NoShows,
    int Cancelled,
    int Transfers,
    int Redirects,
    int Uncollected,
    int BookingsKept,
    int BookingsMissed,
    DurationStats Wait,
    DurationStats ServiceTime,
    DurationStats VisitTime,
    int? BusiestHour);

/// <summary>Tickets issued and called in one hour of the day (Japan time), and how long those called waited on average.</summary>
public sealed record HourLoad(int Hour, int Issued, int Called, double? AverageWaitMinutes);

/// <summary>A report over one or more days: per service, per counter, the office as a whole, and its load by hour.</summary>
public sealed record VisitReport(string OfficeId, DateOnly From, DateOnly To, ReportRow Office, IReadOnlyList<ReportRow> Services,
    IReadOnlyList<ReportRow> Counters, IReadOnlyList<HourLoad> ByHour)
{
    public const string ServiceScope = "service";
    public const string CounterScope = "counter";
    public const string OfficeScope = "office";

    /// <summary>
    /// Builds the report from an office's events of the days <paramref name="from"/>–<paramref name="to"/>. Each measure
    /// belongs where it happened: a wait and a service time to the service and counter that called the visitor, a visit's
    /// end-to-end time to the service it was issued for, issue counts to that service, a bookings' counts to its service.
    /// </summary>
    public static VisitReport Build(string officeId, DateOnly from, DateOnly to, IReadOnlyList<VisitEvent> events)
    {
        var visits = events.Where(e => e.VisitId is not null && e.Kind is not (VisitEventKinds.Booked or VisitEventKinds.BookingCancelled or VisitEventKinds.CheckedIn))
            .GroupBy(e => e.VisitId!).Select(g => (IReadOnlyList<VisitEvent>)g.OrderBy(e => e.At).ToList()).ToList();
        var waits = visits.SelectMany(VisitFacts.Waits).ToList();
        var services = visits.SelectMany(VisitFacts.Services).ToList();
        var visitTimes = visits.Select(v => (First: v[0], End: v.LastOrDefault(e => e.Kind is VisitEventKinds.Completed or VisitEventKinds.PickedUp)))
            .Where(v => v.First.Kind == VisitEventKinds.Issued && v.End is not null)
            .Select(v => (v.First.ServiceId, Minutes: (v.End!.At - v.First.At).TotalMinutes)).ToList();
        var bookings = events.Where(e => e.Kind is VisitEventKinds.Booked or VisitEventKinds.BookingCancelled or VisitEventKinds.CheckedIn)
            .GroupBy(e => e.VisitId ?? "").Select(g => (Service: g.First().ServiceId, Last: g.OrderBy(e => e.At).Last(), Booked: g.Any(e => e.Kind == VisitEventKinds.Booked)))
            .Where(b => b.Booked).ToList();

        ReportRow Row(string scope, string id, Func<VisitEvent, bool> here, Func<string?, bool> issuedHere, Func<string?, bool> bookedHere)
        {
            var hereEvents = events.Where(here).ToList();
            var busiest = scope == CounterScope
                ? hereEvents.Where(e => e.Kind == VisitEventKinds.Called)
                : events.Where(e => e.Kind == VisitEventKinds.Issued && issuedHere(e.ServiceId));
            var keptBookings = bookings.Where(b => bookedHere(b.Service)).ToList();
            var kept = keptBookings.Count(b => b.Last.Kind == VisitEventKinds.CheckedIn && !string.Equals(b.Last.Channel, "WalkIn", StringComparison.OrdinalIgnoreCase));
            return new ReportRow(scope, id,
                Issued: events.Count(e => e.Kind == VisitEventKinds.Issued && issuedHere(e.ServiceId)),
                Served: hereEvents.Count(e => e.Kind is VisitEventKinds.Completed or VisitEventKinds.PickedUp),
                NoShows: hereEvents.Count(e => e.Kind == VisitEventKinds.NoShow),
                Cancelled: hereEvents.Count(e => e.Kind == VisitEventKinds.Cancelled),
                Transfers: hereEvents.Count(e => e.Kind == VisitEventKinds.Transferred),
                Redirects: hereEvents.Count(e => e.Kind == VisitEventKinds.Redirected),
                Uncollected: hereEvents.Count(e => e.Kind == VisitEventKinds.Uncollected),
                BookingsKept: kept,
                BookingsMissed: keptBookings.Count(b => b.Last.Kind != VisitEventKinds.BookingCancelled) - kept,
                Wait: DurationStats.Of(waits.Where(w => here(w.Called)).Select(w => w.Minutes)),
                ServiceTime: DurationStats.Of(services.Where(s => here(s.Start)).Select(s => s.Minutes)),
                VisitTime: scope == CounterScope ? DurationStats.Of([]) : DurationStats.Of(visitTimes.Where(v => issuedHere(v.ServiceId)).Select(v => v.Minutes)),
                BusiestHour: busiest.GroupBy(e => Tokyo.ToLocal(e.At).Hour).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => (int?)g.Key).FirstOrDefault());
        }

        var serviceIds = events.Select(e => e.ServiceId).Concat(events.Select(e => e.ToServiceId)).OfType<string>().Distinct().Order(StringComparer.Ordinal);
        var counterIds = events.Select(e => e.CounterId).OfType<string>().Distinct().Order(StringComparer.Ordinal);
        var byHour = Enumerable.Range(0, 24).Select(h => new HourLoad(h,
                events.Count(e => e.Kind == VisitEventKinds.Issued && Tokyo.ToLocal(e.At).Hour == h),
                waits.Count(w => Tokyo.ToLocal(w.Called.At).Hour == h),
                waits.Where(w => Tokyo.ToLocal(w.Called.At).Hour == h).Select(w => w.Minutes).DefaultIfEmpty(double.NaN).Average() is var a && !double.IsNaN(a) ? Math.Round(a, 1) : null))
            .Where(h => h.Issued > 0 || h.Called > 0).ToList();
        return new VisitReport(officeId, from, to,
            Row(OfficeScope, officeId, _ => true, _ => true, _ => true),
            serviceIds.Select(id => Row(ServiceScope, id, e => e.ServiceId == id, s => s == id, s => s == id)).ToList(),
            counterIds.Select(id => Row(CounterScope, id, e => e.CounterId == id, _ => false, _ => false)).ToList(),
            byHour);
    }
}

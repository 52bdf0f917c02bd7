using System.Globalization;
using System.Text;
using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.History;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.History;
using CounterQueue.Silo.Offices;
using CounterQueue.Web.Identity;
using CounterQueue.Web.Infrastructure;

namespace CounterQueue.Web.History;

/// <summary>
/// Daily and period reports (admin; api.md "Congestion and reports"): per service and per counter, issued, served,
/// no-shows, transfers, redirects, bookings kept and missed, wait and service time and end-to-end visit time (median,
/// p90, max), and the busiest hour. JSON, or CSV with a BOM (<c>Accept: text/csv</c> or <c>?format=csv</c>) so Excel
/// opens the Japanese names correctly.
/// </summary>
public static class ReportApi
{
    /// <summary>The longest period one report covers.</summary>
    public const int MaxDays = 92;

    public static WebApplication MapReportApi(this WebApplication app)
    {
        var reports = app.MapGroup("/api/offices/{officeId}/reports").WithTags("Congestion and reports").RequireAuthorization(IdentityApi.AdminPolicy);
        reports.MapGet("/daily", (string officeId, string? date, string? format, HttpContext http, OfficeCatalog catalog, IVisitHistory history, TimeProvider time, CancellationToken ct) =>
        {
            var day = Day(date, "date", time);
            return ReportAsync(officeId, day, day, format, http, catalog, history, ct);
        }).Produces<VisitReport>(StatusCodes.Status200OK, "application/json", "text/csv").WithSummary("A day's report (JSON, or CSV with a BOM).");
        reports.MapGet("/", (string officeId, string? from, string? to, string? format, HttpContext http, OfficeCatalog catalog, IVisitHistory history, TimeProvider time, CancellationToken ct) =>
        {
            var first = Day(from, "from", time);
            var last = Day(to, "to", time);
            if (last < first) throw Validate.Invalid("'to' must not be before 'from'.");
            if (last.DayNumber - first.DayNumber >= MaxDays) throw Validate.Invalid($"A report covers at most {MaxDays} days.");
            return ReportAsync(officeId, first, last, format, http, catalog, history, ct);
        }).Produces<VisitReport>(StatusCodes.Status200OK, "application/json", "text/csv").WithSummary($"A period's report, up to {MaxDays} days (JSON, or CSV with a BOM).");
        return app;
    }

    /// <summary>A date parameter (YYYY-MM-DD), today (Japan time) when missing.</summary>
    public static DateOnly Day(string? value, string field, TimeProvider time) =>
        Validate.Date(value, field) is { } day ? day : Tokyo.DateOf(time.GetUtcNow());

    private static async Task<IResult> ReportAsync(string officeId, DateOnly from, DateOnly to, string? format, HttpContext http, OfficeCatalog catalog,
        IVisitHistory history, CancellationToken cancellationToken)
    {
        var office = await catalog.RequireAsync(officeId);
        if (format is not (null or "json" or "csv")) throw Validate.Invalid("'format' must be json or csv.");
        var report = VisitReport.Build(office.Id, from, to, await history.ReadAsync(office.Id, from, to, cancellationToken: cancellationToken));
        if (!CsvFile.Wanted(http, format)) return TypedResults.Ok(report);
        var name = from == to ? $"report-{office.Id}-{from:yyyy-MM-dd}.csv" : $"report-{office.Id}-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv";
        return CsvFile.Download(Csv(report, office), name);
    }

    /// <summary>The report as CSV: a header line in Japanese, then the office, each service and each counter.</summary>
    public static StringBuilder Csv(VisitReport report, OfficeDefinition office)
    {
        static string Cell(object? value) => value switch
        {
            null => "",
            double d => d.ToString("0.0", CultureInfo.InvariantCulture),
            int i => i.ToString(CultureInfo.InvariantCulture),
            _ => CsvFile.Text(Convert.ToString(value, CultureInfo.InvariantCulture)),
        };
        var csv = new StringBuilder(
            "期間開始,期間終了,区分,ID,名称,発券数,対応数,不在,取消,回付,案内変更,未交付,予約来庁,予約不来庁," +
            "待ち時間中央値(分),待ち時間90%(分),待ち時間最大(分),対応時間中央値(分),対応時間90%(分),対応時間最大(分)," +
            "来庁から完了中央値(分),来庁から完了90%(分),来庁から完了最大(分),最も混んだ時間帯\r\n");
        foreach (var row in new[] { report.Office }.Concat(report.Services).Concat(report.Counters))
        {
            var name = row.Scope switch
            {
                VisitReport.OfficeScope => office.Name.Ja,
                VisitReport.ServiceScope => office.FindService(row.Id)?.Name.Ja ?? row.Id,
                _ => office.FindCounter(row.Id)?.Label.Ja ?? row.Id,
            };
            var scope = row.Scope switch { VisitReport.OfficeScope => "庁舎", VisitReport.ServiceScope => "業務", _ => "窓口" };
            csv.AppendJoin(',', Cell(report.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), Cell(report.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                Cell(scope), Cell(row.Id), Cell(name), Cell(row.Issued), Cell(row.Served), Cell(row.NoShows), Cell(row.Cancelled), Cell(row.Transfers),
                Cell(row.Redirects), Cell(row.Uncollected), Cell(row.BookingsKept), Cell(row.BookingsMissed),
                Cell(row.Wait.MedianMinutes), Cell(row.Wait.P90Minutes), Cell(row.Wait.MaxMinutes),
                Cell(row.ServiceTime.MedianMinutes), Cell(row.ServiceTime.P90Minutes), Cell(row.ServiceTime.MaxMinutes),
                Cell(row.VisitTime.MedianMinutes), Cell(row.VisitTime.P90Minutes), Cell(row.VisitTime.MaxMinutes),
                Cell(row.BusiestHour is { } h ? $"{h:00}:00-{h + 1:00}:00" : null)).Append("\r\n");
        }
        return csv;
    }
}

using System.Text;

namespace CounterQueue.Web.Infrastructure;

/// <summary>
/// CSV downloads (ledgers, reports, the audit log): UTF-8 with a BOM so Excel opens Japanese as it is, CRLF lines, text cells
/// quoted, and a text cell that starts like a formula (=, +, -, @) defused with a leading apostrophe.
/// </summary>
public static class CsvFile
{
    /// <summary>A text cell (empty for null).</summary>
    public static string Text(string? value) => value is null
        ? ""
        : "\"" + (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' ? "'" + value : value).Replace("\"", "\"\"") + "\"";

    /// <summary>Whether the client asked for CSV: <c>?format=csv</c>, or <c>Accept: text/csv</c> without a format.</summary>
    public static bool Wanted(HttpContext http, string? format) =>
        format == "csv" || format is null && http.Request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>The file to download.</summary>
    public static IResult Download(StringBuilder text, string fileName) =>
        Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray(), "text/csv; charset=utf-8", fileName);
}

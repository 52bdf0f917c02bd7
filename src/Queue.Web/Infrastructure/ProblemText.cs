using System.Globalization;
using System.Resources;

namespace CounterQueue.Web.Infrastructure;

/// <summary>Titles of problem responses by error code, from Resources/Problems.resx (Japanese) and Problems.en.resx.</summary>
public static class ProblemText
{
    private static readonly ResourceManager Resources = new("CounterQueue.Web.Resources.Problems", typeof(ProblemText).Assembly);
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");
    private static readonly CultureInfo Japanese = CultureInfo.GetCultureInfo("ja");

    /// <summary>The title for a code in the request's language: Japanese when asked for (or nothing is asked), else English.</summary>
    public static string Title(string code, HttpContext context)
    {
        var culture = PrefersJapanese(context) ? Japanese : English;
        return Resources.GetString(code, culture) ?? Resources.GetString("bad-request", culture) ?? code;
    }

    private static bool PrefersJapanese(HttpContext context)
    {
        var languages = context.Request.GetTypedHeaders().AcceptLanguage;
        if (languages is null || languages.Count == 0) return true;
        var best = languages.OrderByDescending(l => l.Quality ?? 1).First().Value.Value ?? "ja";
        return best.StartsWith("ja", StringComparison.OrdinalIgnoreCase) || best == "*";
    }
}

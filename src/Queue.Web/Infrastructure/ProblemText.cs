using System.Globalization;
using System.Resources;
using CounterQueue.Domain;

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
        return Resources.GetString(code, culture) ?? Resources.GetString(ProblemCodes.BadRequest, culture) ?? code;
    }

    /// <summary>
    /// The title written for <paramref name="code"/> in exactly this language ("ja" or "en"), without falling back
    /// to another language or a generic title; null when there is none.
    /// </summary>
    public static string? Exact(string code, string language)
    {
        var culture = language == "ja" ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(language); // Japanese is the neutral resource
        return Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)?.GetString(code);
    }

    /// <summary>Every code that has a title in the given language.</summary>
    public static IReadOnlyList<string> Codes(string language)
    {
        var culture = language == "ja" ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(language);
        var set = Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false);
        return set is null ? [] : set.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key).ToArray();
    }

    private static bool PrefersJapanese(HttpContext context)
    {
        var languages = context.Request.GetTypedHeaders().AcceptLanguage;
        if (languages is null || languages.Count == 0) return true;
        var best = languages.OrderByDescending(l => l.Quality ?? 1).First().Value.Value ?? "ja";
        return best.StartsWith("ja", StringComparison.OrdinalIgnoreCase) || best == "*";
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using CounterQueue.Domain;

namespace CounterQueue.Web.Infrastructure;

/// <summary>Checks on request fields; each failure is a 400 problem naming the field.</summary>
public static partial class Validate
{
    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$")] private static partial Regex LanguagePattern();

    public static string Required(string? value, string field, int maxLength = 100)
    {
        if (string.IsNullOrWhiteSpace(value)) throw Invalid($"'{field}' is required.");
        if (value.Length > maxLength) throw Invalid($"'{field}' is longer than {maxLength} characters.");
        return value;
    }

    /// <summary>A language tag such as "ja", "en", "zh-Hans"; null when absent.</summary>
    public static string? Language(string? value)
    {
        if (value is null) return null;
        if (value.Length > 20 || !LanguagePattern().IsMatch(value)) throw Invalid("'language' must be a language tag such as \"ja\" or \"en\".");
        return value;
    }

    public static DateOnly? Date(string? value, string field)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        throw Invalid($"'{field}' must be a date as YYYY-MM-DD.");
    }

    public static QueueRuleException Invalid(string message) => QueueRuleException.Invalid(ProblemCodes.Validation, message);
}

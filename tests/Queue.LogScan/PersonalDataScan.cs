using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CounterQueue.LogScan;

/// <summary>A place in a log where personal data was found: the file, the line number, and what kind of data.</summary>
public sealed record Finding(string File, int Line, string What);

/// <summary>
/// Looks for personal data (個人情報) in logs: every name, phone number, e-mail address and resident name the test
/// suite sends (read from its sources, so a new test's values are covered), as written, JSON-escaped and URL-encoded;
/// and anything shaped like an e-mail address or a Japanese phone number.
/// </summary>
public sealed partial class PersonalDataScan(IReadOnlyCollection<string> knownValues)
{
    /// <summary>The personal values in the test sources: contact fields and resident names in requests, BookingContact arguments, and constants named Contact… or ResidentName.</summary>
    public static IReadOnlyCollection<string> ValuesSentBy(string testSources)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(testSources, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")) continue;
            var text = File.ReadAllText(file);
            foreach (Match m in Field().Matches(text)) values.Add(m.Groups["v"].Value);
            foreach (Match m in ContactArguments().Matches(text))
                foreach (Match literal in Literal().Matches(m.Groups["args"].Value)) values.Add(literal.Groups["v"].Value);
        }
        values.RemoveWhere(v => v.Length < 2 || !v.Any(char.IsLetterOrDigit));
        return values;
    }

    public IEnumerable<Finding> Scan(string file)
    {
        var number = 0;
        foreach (var line in File.ReadLines(file))
        {
            number++;
            foreach (var value in knownValues)
            {
                if (Forms(value).Any(form => line.Contains(form, StringComparison.Ordinal)))
                    yield return new Finding(file, number, $"a value the tests send as personal data ({Mask(value)})");
            }
            if (Email().Match(line) is { Success: true } email) yield return new Finding(file, number, $"an e-mail address ({Mask(email.Value)})");
            if (Phone().Match(line) is { Success: true } phone) yield return new Finding(file, number, $"a phone number ({Mask(phone.Value)})");
        }
    }

    /// <summary>The value as written, as JSON escapes it (\uXXXX), and as a URL or form encodes it.</summary>
    private static IEnumerable<string> Forms(string value)
    {
        yield return value;
        var json = JsonSerializer.Serialize(value).Trim('"');
        yield return json;
        yield return Regex.Replace(json, @"\\u[0-9A-F]{4}", m => m.Value.ToLowerInvariant()); // other writers' lower-case hex
        yield return Uri.EscapeDataString(value);
        yield return System.Net.WebUtility.UrlEncode(value);
    }

    /// <summary>Enough to find it in the log, not enough to put the value itself into the test report.</summary>
    private static string Mask(string value) => value.Length <= 2 ? "**" : value[..1] + new string('*', value.Length - 2) + value[^1..];

    [GeneratedRegex("""\b(?:name|phone|email|residentName)\s=\s"(?<v>[^"]+)"|const\sstring\s(?:Contact\w+|ResidentName)\s=\s"(?<v>[^"]+)";""")]
    private static partial Regex Field();

    [GeneratedRegex(@"new\s+BookingContact\((?<args>[^)]*)\)")]
    private static partial Regex ContactArguments();

    [GeneratedRegex("\"(?<v>[^\"]*)\"")]
    private static partial Regex Literal();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    /// <summary>Japanese numbers as people write them: 03-1234-5678, 044-201-3111, 090-1234-5678, +81-90-1234-5678.</summary>
    [GeneratedRegex(@"(?<![\w.-])(?:\+81[- ]?|0)\d{1,4}-\d{1,4}-\d{4}(?![\w-])")]
    private static partial Regex Phone();
}

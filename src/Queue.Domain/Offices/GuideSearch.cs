using System.Text;

namespace CounterQueue.Domain.Offices;

/// <summary>
/// The floor guide's search (案内検索): a section or procedure by kanji, kana, romaji/English or everyday words
/// (「引っ越し」 finds 転入・転出, 「ハンコ」 finds 印鑑登録). The words are data: each service's names in every language, its
/// section's names and its <see cref="ServiceDefinition.Keywords"/>, which an office extends in its definition.
/// </summary>
public static class GuideSearch
{
    public const int MaxQueryLength = 50;

    /// <summary>
    /// Folds what people type into one form: full-width to half-width and compatibility forms (NFKC), lower case,
    /// katakana to hiragana, long vowels and separators dropped, macrons removed (jūminhyō = juminhyo).
    /// </summary>
    public static string Normalize(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded.Normalize(NormalizationForm.FormD))
        {
            if (c is >= '\u30A1' and <= '\u30F6') builder.Append((char)(c - 0x60)); // katakana → hiragana
            else if (char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark && c is not ('\u3099' or '\u309A')) continue; // ū → u
            else if (char.IsWhiteSpace(c) || c is '・' or '-' or '_' or '.' or ',' or '、' or '。' or '（' or '）' or '(' or ')' or 'ー' or '〜' or '~') continue;
            else builder.Append(c);
        }
        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>The services matching <paramref name="query"/>, best first (exact word, then a word starting with it, then containing it).</summary>
    public static IReadOnlyList<ServiceDefinition> Find(OfficeDefinition office, string query)
    {
        var q = Normalize(query);
        if (q.Length == 0) return [];
        return office.Services
            .Select((service, order) => (Service: service, Order: order, Score: Words(office, service).Select(w => Score(Normalize(w), q)).DefaultIfEmpty(0).Max()))
            .Where(x => x.Score > 0)
            .OrderByDescending(x => x.Score).ThenBy(x => x.Order)
            .Select(x => x.Service)
            .ToList();
    }

    private static int Score(string word, string query) => word.Length == 0 ? 0
        : word == query ? 100
        : word.StartsWith(query, StringComparison.Ordinal) ? 60
        : word.Contains(query, StringComparison.Ordinal) ? 40
        : word.Length >= 2 && query.Contains(word, StringComparison.Ordinal) ? 20 // 「引っ越しの手続き」 contains 「引っ越し」
        : 0;

    private static IEnumerable<string> Words(OfficeDefinition office, ServiceDefinition service)
    {
        foreach (var text in Texts(service.Name)) yield return text;
        if (office.FindSection(service.SectionId) is { } section)
            foreach (var text in Texts(section.Name)) yield return text;
        foreach (var keyword in service.Keywords) yield return keyword;
    }

    private static IEnumerable<string?> TextsOrNull(LocalizedText text) => [text.Ja, text.En, text.Zh, text.Ko, text.Vi];

    private static IEnumerable<string> Texts(LocalizedText text) => TextsOrNull(text).OfType<string>();

    /// <summary>Each broken rule of a service's keywords; empty when usable.</summary>
    public static IReadOnlyList<string> Problems(ServiceDefinition service) =>
        service.Keywords.Count > 60 || service.Keywords.Any(k => string.IsNullOrWhiteSpace(k) || k.Length > 40)
            ? [$"Service '{service.Id}' keywords: at most 60, each 1-40 characters."]
            : [];
}

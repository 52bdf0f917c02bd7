using System.Text.Json;

namespace CounterQueue.Tests.Pages;

/// <summary>The pages' text: every visitor-facing string in all five languages, staff strings in Japanese and English.</summary>
public sealed class PageTextTests
{
    private static readonly string I18nDirectory = Path.Combine(AppContext.BaseDirectory, "display", "i18n");

    private static Dictionary<string, string> Load(string code) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(I18nDirectory, $"{code}.json")))!;

    private static readonly string[] VisitorAreas = ["display", "kiosk", "phone", "status", "floor", "step", "connection", "error", "tc", "congestion"];
    private static readonly string[] DisplayOnlyKeys = ["display.enableSound", "display.soundOn", "display.noVoice", "display.allFloors"];

    [Theory]
    [InlineData("en")]
    [InlineData("zh")]
    [InlineData("ko")]
    [InlineData("vi")]
    public void Every_visitor_string_is_translated(string code)
    {
        var japanese = Load("ja");
        var other = Load(code);
        var needed = japanese.Keys.Where(k => VisitorAreas.Contains(k.Split('.')[0]) && (code == "en" || !DisplayOnlyKeys.Contains(k)));
        var missing = needed.Where(k => !other.ContainsKey(k) || string.IsNullOrWhiteSpace(other[k])).ToList();
        Assert.True(missing.Count == 0, $"{code} lacks: {string.Join(", ", missing)}");
    }

    [Fact]
    public void English_has_every_string_and_placeholders_match()
    {
        var japanese = Load("ja");
        var english = Load("en");
        Assert.Empty(japanese.Keys.Except(english.Keys));
        foreach (var code in new[] { "en", "zh", "ko", "vi" })
        {
            foreach (var (key, text) in Load(code))
            {
                Assert.True(japanese.ContainsKey(key), $"{code}: '{key}' is not a Japanese key");
                var expected = Placeholders(japanese[key]);
                Assert.True(expected.SetEquals(Placeholders(text)), $"{code}: '{key}' has placeholders {string.Join(",", Placeholders(text))}, Japanese has {string.Join(",", expected)}");
            }
        }
    }

    private static HashSet<string> Placeholders(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, @"\{(\w+)\}").Select(m => m.Groups[1].Value).ToHashSet();
}

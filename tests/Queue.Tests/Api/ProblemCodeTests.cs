using CounterQueue.Domain;
using CounterQueue.Web.Infrastructure;

namespace CounterQueue.Tests.Api;

/// <summary>Every error code the API can answer with has a title a person can read, in Japanese and in English.</summary>
public sealed class ProblemCodeTests
{
    public static TheoryData<string> Codes() => new(ProblemCodes.All);

    [Theory]
    [MemberData(nameof(Codes))]
    public void Every_code_has_a_Japanese_and_an_English_title(string code)
    {
        var japanese = ProblemText.Exact(code, "ja");
        var english = ProblemText.Exact(code, "en");
        Assert.False(string.IsNullOrWhiteSpace(japanese), $"'{code}' has no Japanese title");
        Assert.False(string.IsNullOrWhiteSpace(english), $"'{code}' has no English title");
        Assert.Contains(japanese, c => c is >= '\u3040' and <= '\u30FF' or >= '\u4E00' and <= '\u9FFF'); // kana or kanji
        Assert.DoesNotContain(english, c => c > '\u024F'); // no Japanese left in the English title
    }

    [Fact]
    public void Codes_are_unique_kebab_case_and_no_title_is_left_without_its_code()
    {
        Assert.Equal(ProblemCodes.All.Count, ProblemCodes.All.Distinct().Count());
        Assert.All(ProblemCodes.All, code => Assert.Matches("^[a-z]+(-[a-z]+)*$", code));
        Assert.Empty(ProblemText.Codes("ja").Except(ProblemCodes.All));
        Assert.Empty(ProblemText.Codes("en").Except(ProblemCodes.All));
        Assert.True(ProblemCodes.All.Count >= 40, $"only {ProblemCodes.All.Count} codes found: the list is read from the constants");
    }
}

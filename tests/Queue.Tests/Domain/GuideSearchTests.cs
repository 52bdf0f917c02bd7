using System.Text.Json;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Storage;

namespace CounterQueue.Tests.Domain;

/// <summary>The floor guide's search over the demo ward office: kanji, kana, romaji, English and everyday words.</summary>
public sealed class GuideSearchTests
{
    private static readonly Lazy<OfficeDefinition> Kawasaki = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "demo-offices.json")));
        return document.RootElement.GetProperty("offices").EnumerateArray()
            .Select(o => o.Deserialize<OfficeDefinition>(StateJsonSerializer.Options)!).Single(o => o.Id == "kawasaki");
    });

    [Theory]
    [InlineData("住民票", "residence-certificate")]          // kanji
    [InlineData("じゅうみんひょう", "residence-certificate")] // hiragana
    [InlineData("ジュウミンヒョウ", "residence-certificate")] // katakana
    [InlineData("ｼﾞｭｳﾐﾝﾋｮｳ", "residence-certificate")]      // half-width katakana
    [InlineData("jūminhyō", "residence-certificate")]         // romaji with macrons
    [InlineData("引っ越し", "moving")]                        // everyday words
    [InlineData("ひっこし", "moving")]
    [InlineData("引っ越しの手続き", "moving")]                // a sentence around the word
    [InlineData("転入", "moving")]
    [InlineData("ハンコ", "seal-registration")]
    [InlineData("HANKO", "seal-registration")]
    [InlineData("印鑑登録", "seal-registration")]             // the service's own name
    [InlineData("Pension", "pension")]                         // English
    [InlineData("マイナンバーカード", "my-number")]
    [InlineData("まいなんばー", "my-number")]
    [InlineData("国保", "health-insurance")]
    public void A_service_is_found_by_the_words_people_use(string query, string serviceId) =>
        Assert.Equal(serviceId, GuideSearch.Find(Kawasaki.Value, query).First().Id);

    [Fact]
    public void A_section_name_finds_every_service_of_it_and_nonsense_finds_nothing()
    {
        var residents = GuideSearch.Find(Kawasaki.Value, "区民課").Select(s => s.Id).ToList();
        Assert.Equal(["moving", "family-register", "my-number", "seal-registration"], residents);
        Assert.Contains("welfare-central", GuideSearch.Find(Kawasaki.Value, "生活保護").Select(s => s.Id));
        Assert.Contains("welfare-daishi-tajima", GuideSearch.Find(Kawasaki.Value, "生活保護").Select(s => s.Id));
        Assert.Empty(GuideSearch.Find(Kawasaki.Value, "宇宙旅行"));
        Assert.Empty(GuideSearch.Find(Kawasaki.Value, " ・ "));
    }

    [Fact]
    public void The_vocabulary_is_data_an_office_extends()
    {
        Assert.Empty(GuideSearch.Find(Kawasaki.Value, "おくやみ"));
        var extended = Kawasaki.Value with
        {
            Services = Kawasaki.Value.Services.Select(s => s.Id == "family-register" ? s with { Keywords = [.. s.Keywords, "おくやみ"] } : s).ToList(),
        };
        Assert.Equal("family-register", GuideSearch.Find(extended, "オクヤミ").Single().Id);
        Assert.NotEmpty(OfficeDefinitionValidator.Validate(extended with
        {
            Services = [.. extended.Services.Select(s => s with { Keywords = [new string('x', 41)] })],
        }));
    }
}

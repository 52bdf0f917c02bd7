using System.Text.Json;
using CounterQueue.Domain;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Storage;
using static CounterQueue.Tests.Support.TestSchedules;

namespace CounterQueue.Tests.Domain;

/// <summary>Where each section is on any day during the FY2024 renovation and the branches' moves (the demo data).</summary>
public sealed class RelocationRulesTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, OfficeDefinition>> Demo = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "demo-offices.json")));
        return document.RootElement.GetProperty("offices").EnumerateArray()
            .Select(o => o.Deserialize<OfficeDefinition>(StateJsonSerializer.Options)!)
            .ToDictionary(o => o.Id);
    });

    private static OfficeDefinition Kawasaki => Demo.Value["kawasaki"];

    private static string FloorOn(OfficeDefinition office, string sectionId, string date) =>
        RelocationRules.PlaceAt(office, office.FindSection(sectionId)!, RelocationRules.NoonOf(DateOnly.Parse(date))).Floor;

    [Theory]
    // ① late May: the 6F sections to 4F; certificates on 2F while 1F is under works.
    [InlineData("2024-05-24", "welfare-central", "6F")]
    [InlineData("2024-05-27", "welfare-central", "4F")]
    [InlineData("2024-05-27", "public-health", "4F")]
    [InlineData("2024-05-24", "certificates", "1F")]
    [InlineData("2024-06-10", "certificates", "2F")]
    // ② late July: 3F splits, to 6F and to 1F; certificates back on 1F.
    [InlineData("2024-07-26", "elderly-disability", "3F")]
    [InlineData("2024-07-29", "elderly-disability", "6F")]
    [InlineData("2024-07-29", "insurance-pension", "1F")]
    [InlineData("2024-07-29", "certificates", "1F")]
    // ③ late September: 2F to 3F. ④ late November: 区民課 back to 2F.
    [InlineData("2024-09-27", "residents", "2F")]
    [InlineData("2024-09-30", "residents", "3F")]
    [InlineData("2024-11-22", "residents", "3F")]
    [InlineData("2024-11-25", "residents", "2F")]
    // ⑤ early December: 高齢・障害課 from 6F to 3F. ⑥ mid December: 保護課 from 4F to 6F.
    [InlineData("2024-12-02", "elderly-disability", "3F")]
    [InlineData("2024-12-13", "welfare-central", "4F")]
    [InlineData("2024-12-16", "welfare-central", "6F")]
    // Untouched all year, and everything where it belongs afterwards.
    [InlineData("2024-08-01", "welfare-daishi-tajima", "4F")]
    [InlineData("2026-11-26", "residents", "2F")]
    [InlineData("2026-11-26", "insurance-pension", "3F")]
    public void The_directory_answers_for_dates_before_during_and_after_each_move(string date, string sectionId, string floor) =>
        Assert.Equal(floor, FloorOn(Kawasaki, sectionId, date));

    [Fact]
    public void One_floor_splits_to_two_and_its_counters_go_with_each_section()
    {
        var at = RelocationRules.NoonOf(new DateOnly(2024, 8, 1));
        var split = Kawasaki.Sections.Where(s => s.Floor == "3F").ToDictionary(s => s.Id, s => RelocationRules.PlaceAt(Kawasaki, s, at));
        Assert.Equal(("6F", "1F"), (split["elderly-disability"].Floor, split["insurance-pension"].Floor));
        Assert.Equal("1階 西側", split["insurance-pension"].Area!.Ja);
        Assert.Equal("6F", Kawasaki.FloorOf(Kawasaki.RequireCounter("c21"), at)); // 介護保険 counter
        Assert.Equal("1F", Kawasaki.FloorOf(Kawasaki.RequireCounter("c23"), at)); // 国民健康保険 counter
        Assert.Equal("1F", Kawasaki.FloorOf(Kawasaki.RequireService("health-insurance"), at));
    }

    [Fact]
    public void A_move_is_told_a_month_ahead_and_where_it_came_from_a_month_after()
    {
        var residents = Kawasaki.FindSection("residents")!;
        var upcoming = RelocationRules.UpcomingAt(Kawasaki, residents, Jst("2024-11-01T09:00:00"));
        Assert.Equal(("2F", Jst("2024-11-25T08:00:00")), (upcoming!.Floor, upcoming.From));
        Assert.Null(RelocationRules.UpcomingAt(Kawasaki, residents, Jst("2024-10-20T09:00:00"))); // more than a month ahead
        Assert.Equal(new MovedFrom("3F", new DateOnly(2024, 11, 25)), RelocationRules.MovedFromAt(Kawasaki, residents, Jst("2024-12-10T09:00:00")));
        Assert.Null(RelocationRules.MovedFromAt(Kawasaki, residents, Jst("2025-01-10T09:00:00")));
        Assert.Null(RelocationRules.MovedFromAt(Kawasaki, residents, Jst("2024-05-10T09:00:00"))); // never moved yet

        var elderly = Kawasaki.FindSection("elderly-disability")!;
        var move = Kawasaki.Relocations.Single(r => r.Id == "r20241202-elderly-disability");
        var ahead = RelocationRules.Announcement(elderly, move, done: false);
        Assert.Equal("12月2日から高齢・障害課は3階に移ります。", ahead.Ja);
        Assert.Equal("From December 2, Elderly and Disability Division moves to floor 3.", ahead.En);
        Assert.All(new[] { ahead.Zh, ahead.Ko, ahead.Vi }, t => Assert.False(string.IsNullOrEmpty(t)));
        Assert.Equal("高齢・障害課は3階に移りました。", RelocationRules.Announcement(elderly, move, done: true).Ja);
        var notices = RelocationRules.Announcements(Kawasaki, Jst("2024-11-20T09:00:00")).Select(n => n.Ja).ToList();
        Assert.Contains("12月2日から高齢・障害課は3階に移ります。", notices);
        Assert.Contains("11月25日から区民課は2階に移ります。", notices);
        Assert.Contains("12月16日から保護課（中央地区）は6階に移ります。", notices); // within the month too
        Assert.DoesNotContain(notices, n => n.Contains("移りました")); // the last move done was in September
        Assert.Contains("区民課は2階に移りました。", RelocationRules.Announcements(Kawasaki, Jst("2024-11-28T09:00:00")).Select(n => n.Ja));
    }

    [Fact]
    public void The_branches_move_to_their_temporary_buildings_and_back_in_2028()
    {
        var daishi = Demo.Value["daishi"];
        var counter = daishi.FindSection("branch-counter")!;
        Assert.Null(RelocationRules.PlaceAt(daishi, counter, Jst("2024-12-27T10:00:00")).Area);
        Assert.Equal("仮庁舎（台町26-7）", RelocationRules.PlaceAt(daishi, counter, Jst("2025-01-06T10:00:00")).Area!.Ja);
        Assert.Equal("仮庁舎（台町26-7）", RelocationRules.PlaceAt(daishi, counter, Jst("2028-02-29T10:00:00")).Area!.Ja);
        Assert.Equal("新庁舎", RelocationRules.PlaceAt(daishi, counter, Jst("2028-03-01T10:00:00")).Area!.Ja);
        var tajima = Demo.Value["tajima"];
        Assert.Equal("仮庁舎（田島町20-23）", RelocationRules.PlaceAt(tajima, tajima.FindSection("branch-counter")!, Jst("2028-08-31T10:00:00")).Area!.Ja);
    }

    [Fact]
    public void A_relocation_must_name_a_section_and_a_floor_and_not_repeat_a_moment()
    {
        var move = new Relocation { Id = "x", SectionId = "nope", ToFloor = "", EffectiveFrom = Jst("2027-01-04T08:00:00") };
        var problems = RelocationRules.Problems(Kawasaki, move);
        Assert.Equal(2, problems.Count);
        var twice = Kawasaki.Relocations[0] with { Id = "other" };
        Assert.Contains("already moves", Assert.Single(RelocationRules.Problems(Kawasaki with { Relocations = [.. Kawasaki.Relocations, twice] }, twice)));
        Assert.Empty(OfficeDefinitionValidator.Validate(Kawasaki));
        Assert.Equal("地下1階", RelocationRules.FloorName("B1F", "ja"));
        Assert.Equal("Annex", RelocationRules.FloorName("Annex", "en"));
    }
}

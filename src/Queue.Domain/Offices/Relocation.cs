using CounterQueue.Domain.Calendar;

namespace CounterQueue.Domain.Offices;

/// <summary>
/// A section's move (移転) to another floor (and optionally an area of it, 「2階 東側」, or another building) from
/// <see cref="EffectiveFrom"/>: its services and counters go with it. A move back is a relocation to the old floor.
/// </summary>
public sealed record Relocation
{
    public required string Id { get; init; }
    public required string SectionId { get; init; }
    public required string ToFloor { get; init; }
    public LocalizedText? ToArea { get; init; }
    public required DateTimeOffset EffectiveFrom { get; init; }
    public LocalizedText? Note { get; init; }
}

/// <summary>Where a section is: its floor and, optionally, the area of that floor.</summary>
public sealed record SectionPlace(string Floor, LocalizedText? Area);

/// <summary>A section's previous floor shortly after it moved, and the date it moved (api.md's <c>movedFrom</c>).</summary>
public sealed record MovedFrom(string Floor, DateOnly Until);

/// <summary>A section's coming move, told to visitors from a month before.</summary>
public sealed record UpcomingMove(string Floor, LocalizedText? Area, DateTimeOffset From);

/// <summary>
/// The relocation rules (フロア移転): where each section is at any moment, what moved recently, what moves soon, and
/// what visitors are told. Plain rules over an office's definition, unit-tested alone.
/// </summary>
public static class RelocationRules
{
    /// <summary>How long after a move the directory still says where a section came from, and how early a move is announced.</summary>
    public static readonly TimeSpan AnnounceAhead = TimeSpan.FromDays(31);
    public static readonly TimeSpan MovedFromFor = TimeSpan.FromDays(31);

    /// <summary>A day's representative moment: noon in Tokyo (a move that takes effect that morning counts for the day).</summary>
    public static DateTimeOffset NoonOf(DateOnly date) => Tokyo.At(date, new TimeSpan(12, 0, 0));

    private static IEnumerable<Relocation> Of(OfficeDefinition office, string sectionId) =>
        office.Relocations.Where(r => r.SectionId == sectionId).OrderBy(r => r.EffectiveFrom);

    /// <summary>Where the section is at <paramref name="at"/>: its last move in effect then, or where it normally sits.</summary>
    public static SectionPlace PlaceAt(OfficeDefinition office, SectionDefinition section, DateTimeOffset at) =>
        LastMoveBy(office, section.Id, at) is { } move
            ? new SectionPlace(move.ToFloor, move.ToArea)
            : new SectionPlace(section.Floor, section.Area);

    /// <summary>
    /// The section's last move in effect at <paramref name="at"/> (the latest effective time; of equal times the later
    /// listed, as ordering them would give). A loop: a ticket's floor is asked on every answer (issue #9).
    /// </summary>
    private static Relocation? LastMoveBy(OfficeDefinition office, string sectionId, DateTimeOffset at)
    {
        Relocation? last = null;
        foreach (var move in office.Relocations)
            if (move.SectionId == sectionId && move.EffectiveFrom <= at && (last is null || move.EffectiveFrom >= last.EffectiveFrom))
                last = move;
        return last;
    }

    /// <summary>The floor the section left, when its last move took effect within <see cref="MovedFromFor"/> before <paramref name="at"/>.</summary>
    public static MovedFrom? MovedFromAt(OfficeDefinition office, SectionDefinition section, DateTimeOffset at)
    {
        if (LastMoveBy(office, section.Id, at) is not { } move || at - move.EffectiveFrom > MovedFromFor) return null;
        var before = PlaceAt(office, section, move.EffectiveFrom.AddTicks(-1));
        return before.Floor == move.ToFloor ? null : new MovedFrom(before.Floor, Tokyo.DateOf(move.EffectiveFrom));
    }

    /// <summary>The section's next move after <paramref name="at"/> if it is within <see cref="AnnounceAhead"/>.</summary>
    public static UpcomingMove? UpcomingAt(OfficeDefinition office, SectionDefinition section, DateTimeOffset at) =>
        Of(office, section.Id).FirstOrDefault(r => r.EffectiveFrom > at) is { } next && next.EffectiveFrom - at <= AnnounceAhead
            ? new UpcomingMove(next.ToFloor, next.ToArea, next.EffectiveFrom)
            : null;

    /// <summary>The floor a counter is on at <paramref name="at"/>: where the section of its first service moved, or its own floor.</summary>
    public static string CounterFloorAt(OfficeDefinition office, CounterDefinition counter, DateTimeOffset at)
    {
        if (counter.ServiceIds.Count == 0 || office.FindService(counter.ServiceIds[0]) is not { } service || office.FindSection(service.SectionId) is not { } section)
            return counter.Floor;
        return LastMoveBy(office, section.Id, at) is { } move ? move.ToFloor : counter.Floor;
    }

    /// <summary>Every floor a section or counter of the office is on at some time (for a floor display's choice).</summary>
    public static IReadOnlySet<string> AllFloors(OfficeDefinition office) =>
        office.Sections.Select(s => s.Floor).Concat(office.Counters.Select(c => c.Floor)).Concat(office.Relocations.Select(r => r.ToFloor)).ToHashSet();

    /// <summary>
    /// What visitors are told about a move, in every language: ahead of it 「12月2日から高齢・障害課は3階に移ります」, once in
    /// effect 「高齢・障害課は3階に移りました」.
    /// </summary>
    public static LocalizedText Announcement(SectionDefinition section, Relocation move, bool done)
    {
        var local = Tokyo.ToLocal(move.EffectiveFrom);
        var (m, d) = (local.Month, local.Day);
        var name = section.Name;
        string Floor(string lang)
        {
            var floor = FloorName(move.ToFloor, lang);
            if (move.ToArea?.For(lang) is not { Length: > 0 } area) return floor;
            // An area that names its floor already (「5階 南側」) is said alone.
            return area.Contains(floor, StringComparison.OrdinalIgnoreCase) ? area : lang == "ja" ? $"{floor} {area}" : $"{floor}, {area}";
        }
        return done
            ? new LocalizedText($"{name.Ja}は{Floor("ja")}に移りました。", $"{name.En} has moved to {Floor("en")}.")
            {
                Zh = $"{name.For("zh")}已迁至{Floor("zh")}。",
                Ko = $"{name.For("ko")}은(는) {Floor("ko")}(으)로 이전했습니다.",
                Vi = $"{name.For("vi")} đã chuyển đến {Floor("vi")}.",
            }
            : new LocalizedText($"{m}月{d}日から{name.Ja}は{Floor("ja")}に移ります。", $"From {local:MMMM} {d}, {name.En} moves to {Floor("en")}.")
            {
                Zh = $"自{m}月{d}日起，{name.For("zh")}迁至{Floor("zh")}。",
                Ko = $"{m}월 {d}일부터 {name.For("ko")}은(는) {Floor("ko")}(으)로 이전합니다.",
                Vi = $"Từ ngày {d}/{m}, {name.For("vi")} chuyển đến {Floor("vi")}.",
            };
    }

    /// <summary>"3F" as people say it: 3階, floor 3, 3楼, 3층, tầng 3 (B1F: 地下1階 …); other names as they are.</summary>
    public static string FloorName(string floor, string lang)
    {
        var basement = floor.StartsWith('B');
        var digits = floor.TrimStart('B').TrimEnd('F');
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit) || !floor.EndsWith('F')) return floor;
        return (lang, basement) switch
        {
            ("ja", false) => $"{digits}階",
            ("ja", true) => $"地下{digits}階",
            ("zh", false) => $"{digits}楼",
            ("zh", true) => $"地下{digits}层",
            ("ko", false) => $"{digits}층",
            ("ko", true) => $"지하 {digits}층",
            ("vi", false) => $"tầng {digits}",
            ("vi", true) => $"tầng hầm {digits}",
            (_, false) => $"floor {digits}",
            (_, true) => $"basement {digits}",
        };
    }

    /// <summary>How long after a move the lobby still says it happened.</summary>
    public static readonly TimeSpan AnnounceDoneFor = TimeSpan.FromDays(7);

    /// <summary>What the lobby says at <paramref name="at"/>: moves within a month ahead, and those of the last week.</summary>
    public static IReadOnlyList<LocalizedText> Announcements(OfficeDefinition office, DateTimeOffset at) =>
        office.Relocations
            .Where(r => r.EffectiveFrom > at ? r.EffectiveFrom - at <= AnnounceAhead : at - r.EffectiveFrom <= AnnounceDoneFor)
            .OrderBy(r => r.EffectiveFrom)
            .Select(r => (Move: r, Section: office.FindSection(r.SectionId)))
            .Where(x => x.Section is not null)
            .Select(x => Announcement(x.Section!, x.Move, done: x.Move.EffectiveFrom <= at))
            .ToList();

    /// <summary>Each broken rule of a relocation as a sentence; empty when it is usable.</summary>
    public static IReadOnlyList<string> Problems(OfficeDefinition office, Relocation move)
    {
        var problems = new List<string>();
        if (office.FindSection(move.SectionId) is null) problems.Add($"Office '{office.Id}' has no section '{move.SectionId}'.");
        if (string.IsNullOrWhiteSpace(move.ToFloor) || move.ToFloor.Length > 10 || move.ToFloor.Any(char.IsControl))
            problems.Add("'toFloor' must be a floor name of 1-10 characters, e.g. 3F.");
        if (move.ToArea is { } area && (string.IsNullOrWhiteSpace(area.Ja) || area.Ja.Length > 60)) problems.Add("'toArea' needs Japanese text of at most 60 characters.");
        if (move.Note is { } note && (string.IsNullOrWhiteSpace(note.Ja) || note.Ja.Length > 200)) problems.Add("'note' needs Japanese text of at most 200 characters.");
        if (office.Relocations.Any(r => r.Id != move.Id && r.SectionId == move.SectionId && r.EffectiveFrom == move.EffectiveFrom))
            problems.Add("The section already moves at that moment.");
        return problems;
    }
}

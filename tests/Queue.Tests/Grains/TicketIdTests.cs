using CounterQueue.Silo.Tickets;

namespace CounterQueue.Tests.Grains;

public sealed class TicketIdTests
{
    private static readonly TicketLineKey Line = new("kawasaki", "residence-certificate", new DateOnly(2026, 11, 26));

    [Fact]
    public async Task Ids_are_unguessable_never_repeat_across_threads_and_name_their_line()
    {
        // Several threads at once, each drawing from its own buffered block of the system's generator.
        var ids = (await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 2_000).Select(_ => TicketId.New(Line)).ToList()))))
            .SelectMany(batch => batch).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id =>
        {
            Assert.Equal(Line, TicketId.IssuingLine(id));
            Assert.True(TicketId.BelongsTo(id, TicketId.Prefix(Line)));
            Assert.Matches("^kawasaki\\.residence-certificate\\.20261126\\.[A-Za-z0-9_-]{22}$", id);
        });
        // 128 random bits: each of the 22 characters' positions takes many values (a constant or counter would not).
        var random = ids.Select(id => id[^22..]).ToList();
        Assert.All(Enumerable.Range(0, 21), i => Assert.True(random.Select(r => r[i]).Distinct().Count() > 50, $"position {i} barely varies"));
    }

    /// <summary>
    /// The hand-written reader of an id agrees with the id's pattern, on ids and on near misses of one. (The pattern it
    /// replaced ended in <c>$</c>, which also let a final newline through to a look-up that then found nothing; the
    /// reader, like <c>\z</c> here, refuses it at once.)
    /// </summary>
    [Fact]
    public void The_issuing_line_is_read_exactly_as_the_pattern_says()
    {
        var pattern = new System.Text.RegularExpressions.Regex(
            "^([a-z0-9][a-z0-9-]{0,39})\\.([a-z0-9][a-z0-9-]{0,39})\\.([0-9]{8})\\.([A-Za-z0-9_-]{22})\\z");
        var valid = TicketId.New(Line);
        var texts = new List<string?>
        {
            null, "", ".", "...", valid, valid + "A", valid[..^1], valid + "\n", "a.b.20261126." + new string('A', 22), "-a.b.20261126." + new string('A', 22),
            "a-.b-.20261126." + new string('_', 22), new string('a', 40) + ".b.20261126." + new string('A', 22),
            new string('a', 41) + ".b.20261126." + new string('A', 22), "a.b.20261131." + new string('A', 22), "a.b.20260229." + new string('A', 22),
            "a.b.2026112." + new string('A', 23), "A.b.20261126." + new string('A', 22), "a..20261126." + new string('A', 22),
        };
        var random = new Random(9);
        const string alphabet = "az09-_.AZ+/ \nあ";
        for (var i = 0; i < 5_000; i++)
        {
            var chars = valid.ToCharArray();
            for (var k = random.Next(1, 3); k > 0; k--) chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            texts.Add(new string(chars));
        }
        foreach (var text in texts)
        {
            var match = text is null ? null : pattern.Match(text);
            TicketLineKey? expected = match is { Success: true }
                && DateOnly.TryParseExact(match.Groups[3].Value, "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
                ? new TicketLineKey(match.Groups[1].Value, match.Groups[2].Value, day) : null;
            Assert.True(expected == TicketId.IssuingLine(text), $"'{text}': expected {expected}, read {TicketId.IssuingLine(text)}");
        }
    }

    [Theory]
    [InlineData("kawasaki.residence-certificate.20261125.AAAAAAAAAAAAAAAAAAAAAA")] // another day
    [InlineData("kawasaki.tax.20261126.AAAAAAAAAAAAAAAAAAAAAA")] // another service
    [InlineData("kawasaki.residence-certificate.20261126.AAAAAAAAAAAAAAAAAAAAA")] // too short
    [InlineData("kawasaki.residence-certificate.20261126.AAAAAAAAAAAAAAAAAAAA+A")] // not base64url
    [InlineData(null)]
    public void An_id_of_another_line_or_malformed_does_not_belong(string? id) =>
        Assert.False(TicketId.BelongsTo(id, TicketId.Prefix(Line)));
}

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

    [Theory]
    [InlineData("kawasaki.residence-certificate.20261125.AAAAAAAAAAAAAAAAAAAAAA")] // another day
    [InlineData("kawasaki.tax.20261126.AAAAAAAAAAAAAAAAAAAAAA")] // another service
    [InlineData("kawasaki.residence-certificate.20261126.AAAAAAAAAAAAAAAAAAAAA")] // too short
    [InlineData("kawasaki.residence-certificate.20261126.AAAAAAAAAAAAAAAAAAAA+A")] // not base64url
    [InlineData(null)]
    public void An_id_of_another_line_or_malformed_does_not_belong(string? id) =>
        Assert.False(TicketId.BelongsTo(id, TicketId.Prefix(Line)));
}

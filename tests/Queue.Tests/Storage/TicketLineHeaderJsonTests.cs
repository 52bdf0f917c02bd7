using System.Text;
using CounterQueue.Domain.Tickets;
using CounterQueue.Silo.Tickets;

namespace CounterQueue.Tests.Storage;

/// <summary>
/// A ticket line's stored header is written by hand (issue #9: the serializer's path allocated per change); it must be the
/// very bytes the serializer writes, so lines stored before and after read the same and tools see one format.
/// </summary>
public sealed class TicketLineHeaderJsonTests
{
    public static TheoryData<int> States() => [0, 1, 2, 3, 4];

    private static TicketLineState State(int which) => which switch
    {
        0 => new TicketLineState(),
        1 => new TicketLineState { LastNumber = 1, LastArrival = 1, RecentServiceSeconds = [300], OpenCounters = ["c1"], SessionOpen = true },
        2 => new TicketLineState
        {
            LastNumber = 20_000, LastArrival = long.MaxValue / 3,
            RecentServiceSeconds = [0.1, 1e-7, 123456.789, 1.0 / 3, 5e300, -0.0, 42],
            OpenCounters = ["窓口3", "<b>&'\"\\", "tab\there", "😀", ""],
        },
        3 => new TicketLineState { LastNumber = int.MaxValue, RecentServiceSeconds = Enumerable.Range(0, 50).Select(i => i * 17.25).ToList() },
        _ => new TicketLineState { OpenCounters = Enumerable.Range(0, 30).Select(i => $"counter-{i}").ToList(), SessionOpen = false },
    };

    [Theory]
    [MemberData(nameof(States))]
    public void The_header_is_the_bytes_the_serializer_writes(int which)
    {
        var state = State(which);
        Assert.Equal(Encoding.UTF8.GetString(TicketLineStore.SerializedHeader(state)), Encoding.UTF8.GetString(TicketLineStore.HeaderJson(state)));
    }

    [Fact]
    public void A_header_written_after_another_carries_nothing_of_it()
    {
        var first = TicketLineStore.HeaderJson(State(2));
        var second = TicketLineStore.HeaderJson(State(1));
        Assert.Equal(TicketLineStore.SerializedHeader(State(1)), second);
        Assert.NotEqual(first, second);
    }
}

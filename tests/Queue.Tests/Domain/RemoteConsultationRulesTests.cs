using CounterQueue.Domain;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using static CounterQueue.Tests.Support.TestSchedules;

namespace CounterQueue.Tests.Domain;

/// <summary>When a branch's booth can reach the ward office (オンライン相談): set hours, and never while the ward is busy.</summary>
public sealed class RemoteConsultationRulesTests
{
    private static readonly RemoteConsultationPolicy Policy = new()
    {
        WardOfficeId = "kawasaki",
        Hours = new OfficeSchedule { Weekdays = DailyHours.Parse("09:00", "16:00") },
        BusyWhenWaiting = 3,
        Topics =
        [
            new RemoteTopic { Id = "care", SectionId = "elderly", ServiceId = "care-insurance", Name = new LocalizedText("介護保険", "Care insurance") },
            new RemoteTopic { Id = "nursery", SectionId = "children", ServiceId = "child-allowance", Name = new LocalizedText("保育所等利用", "Nursery") },
        ],
    };

    private static RemoteAvailability At(string time, int elderly = 0, int children = 0) =>
        RemoteConsultationRules.Availability(Policy, Jst(time), new Dictionary<string, int> { ["elderly"] = elderly, ["children"] = children });

    [Fact]
    public void Only_within_the_hours_set_in_advance_saying_when_it_opens_next()
    {
        Assert.True(At("2026-11-24T09:00:00").Available); // a Tuesday
        var early = At("2026-11-24T08:59:00");
        Assert.Equal((false, RemoteUnavailableReason.OutsideHours, Jst("2026-11-24T09:00:00")), (early.Available, early.Reason, early.NextAvailableAt));
        var late = At("2026-11-24T16:00:00");
        Assert.Equal((RemoteUnavailableReason.OutsideHours, Jst("2026-11-25T09:00:00")), (late.Reason, late.NextAvailableAt));
        var saturday = At("2026-11-28T10:00:00");
        Assert.Equal((RemoteUnavailableReason.Closed, Jst("2026-11-30T09:00:00")), (saturday.Reason, saturday.NextAvailableAt));
        Assert.Equal(RemoteUnavailableReason.Closed, At("2026-11-23T10:00:00").Reason); // 勤労感謝の日
    }

    [Fact]
    public void The_wards_counters_come_first_a_busy_section_refuses_its_topics_and_all_busy_refuses_the_booth()
    {
        var one = At("2026-11-24T10:00:00", elderly: 3, children: 2);
        Assert.True(one.Available);
        Assert.Equal(["elderly"], one.BusySections);
        var both = At("2026-11-24T10:00:00", elderly: 3, children: 5);
        Assert.Equal((false, RemoteUnavailableReason.WardBusy), (both.Available, both.Reason));
        Assert.True(At("2026-11-24T10:00:00", elderly: 2, children: 2).Available); // back under the threshold
    }

    [Fact]
    public void A_policy_out_of_range_is_refused()
    {
        Assert.Empty(RemoteConsultationRules.Problems(Policy));
        Assert.Equal(3, RemoteConsultationRules.Problems(Policy with { BusyWhenWaiting = 0, VideoUrl = "ftp://x", Topics = [] }).Count);
        Assert.Single(RemoteConsultationRules.Problems(Policy with { VideoUrl = "https://video.example.jp/room/{ticketId}?n={number}", BusyWhenWaiting = 600 }));
    }
}

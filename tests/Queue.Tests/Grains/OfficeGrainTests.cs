using CounterQueue.Domain;
using CounterQueue.Domain.TemporaryCounters;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Offices;
using CounterQueue.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace CounterQueue.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class OfficeGrainTests(ClusterFixture fixture)
{
    private static TemporaryProcedure Procedure(string id, string prefix) => new()
    {
        Id = id, Name = new LocalizedText($"臨時{prefix}", $"Temporary {prefix}"), TicketPrefix = prefix,
    };

    [Fact]
    public async Task Overlapping_changes_to_one_office_are_all_kept_and_stored()
    {
        var office = TestOffices.Create();
        var grain = fixture.Grains.GetGrain<IOfficeGrain>(office.Id);
        Assert.True(await grain.DefineAsync(office, onlyIfNew: true));

        // Six administrators' changes at once: the grain is reentrant, so they interleave on its writes.
        var procedures = Enumerable.Range(0, 6).Select(i => Procedure($"proc{i}", $"T{i}")).ToList();
        await Task.WhenAll(procedures.Select(p => grain.AddTemporaryCounterAsync(p, null)));

        var current = (await grain.GetAsync())!;
        foreach (var p in procedures)
        {
            Assert.Contains(current.Services, s => s.Id == TemporaryCounterRules.ServiceIdFor(p.Id));
            Assert.Contains(current.Counters, c => c.Id == TemporaryCounterRules.CounterIdFor(p.Id));
        }

        // What the store holds (read past the activation) has every change too.
        var silo = Assert.IsType<InProcessSiloHandle>(fixture.Cluster.Primary);
        var storage = silo.SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(CounterQueue.Silo.StorageNames.Queue);
        var stored = new GrainState<OfficeState>();
        await storage.ReadStateAsync("office", grain.GetGrainId(), stored);
        var definition = Assert.IsType<CounterQueue.Domain.Offices.OfficeDefinition>(stored.State?.Definition);
        Assert.All(procedures, p => Assert.Contains(definition.Services, s => s.Id == TemporaryCounterRules.ServiceIdFor(p.Id)));
    }
}

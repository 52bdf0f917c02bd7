using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Counters;
using CounterQueue.Silo.Lobby;
using CounterQueue.Silo.Tickets;
using Microsoft.Extensions.Logging;

namespace CounterQueue.Silo.Offices;

/// <summary>
/// What happens when a move takes effect (移転の実施): the section's counters and today's lines re-read the office,
/// people waiting are told the new floor on their phones, and the displays show a notice. Repeating it is harmless.
/// </summary>
public sealed class RelocationOperator(OfficeCatalog catalog, IGrainFactory grains, TimeProvider time, ILogger<RelocationOperator> logger)
{
    public async Task<bool> ApplyAsync(string officeId, string relocationId)
    {
        if (await catalog.FindAsync(officeId) is not { } office || office.Relocations.FirstOrDefault(r => r.Id == relocationId) is not { } move) return false;
        var now = time.GetUtcNow();
        if (move.EffectiveFrom > now || office.FindSection(move.SectionId) is not { } section) return false;
        var before = RelocationRules.PlaceAt(office, section, move.EffectiveFrom.AddTicks(-1)).Floor;
        var services = office.Services.Where(s => s.SectionId == section.Id).Select(s => s.Id).ToHashSet();
        var counters = office.Counters.Where(c => c.ServiceIds.Count > 0 && services.Contains(c.ServiceIds[0]));
        var today = Tokyo.DateOf(now);
        await Task.WhenAll(counters.Select(c => grains.GetGrain<ICounterGrain>(new CounterKey(office.Id, c.Id).ToGrainKey()).ReloadAsync(before)));
        await Task.WhenAll(services.Select(id => grains.GetGrain<ITicketLineGrain>(new TicketLineKey(office.Id, id, today).ToGrainKey()).RelocatedAsync()));
        await grains.PublishAsync(LobbyMessage.ToOffice(office.Id, null, new Notice(office.Id, "relocation", RelocationRules.Announcement(section, move, done: true))));
        logger.LogInformation("Relocation {RelocationId} at {OfficeId} took effect: {SectionId} {From} → {To}", move.Id, office.Id, section.Id, before, move.ToFloor);
        return true;
    }
}

using System.Text.Json;
using CounterQueue.Domain.Forwarding;
using CounterQueue.Silo.Forwarding;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Storage;
using Microsoft.Extensions.Options;

namespace CounterQueue.Web.Forwarding;

/// <summary>
/// The document types of 書類回送: stored in one registry grain, seeded at start-up from the data file
/// (Queue:DocumentTypesFile) when none is stored, changed by administrators; read here with a few seconds' cache.
/// </summary>
public sealed class DocumentTypeCatalog(IGrainFactory grains, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private (DocumentTypeList List, DateTimeOffset At)? _cached;

    private IDocumentTypeRegistryGrain Registry => grains.GetGrain<IDocumentTypeRegistryGrain>(0);

    public async Task<DocumentTypeList> GetAsync()
    {
        if (_cached is { } cached && time.GetUtcNow() - cached.At < CacheFor) return cached.List;
        var list = await Registry.GetAsync();
        _cached = (list, time.GetUtcNow());
        return list;
    }

    public async Task<DocumentType?> FindAsync(string id) => (await GetAsync()).DocumentTypes.FirstOrDefault(t => t.Id == id);

    public async Task<DocumentTypeList> SetAsync(DocumentType type)
    {
        var list = await Registry.SetAsync(type);
        _cached = (list, time.GetUtcNow());
        return list;
    }

    /// <summary>Reads the data file (the demo and a fresh installation's list).</summary>
    public static DocumentTypeList? ReadFile(QueueOptions options)
    {
        if (options.DocumentTypesFile is not { Length: > 0 } file) return null;
        var path = Path.IsPathRooted(file) ? file : Path.Combine(AppContext.BaseDirectory, file);
        var list = JsonSerializer.Deserialize<DocumentTypeList>(File.ReadAllText(path), StateJsonSerializer.Options);
        if (list is null || string.IsNullOrWhiteSpace(list.WardOfficeId) || list.DocumentTypes is null)
            throw new InvalidDataException($"{path} must hold {{ \"wardOfficeId\": …, \"documentTypes\": [ … ] }}.");
        return list;
    }
}

/// <summary>At start-up (after the silo): stores the data file's document types unless an administrator's list is stored.</summary>
public sealed class DocumentTypeSeeder(IGrainFactory grains, IOptions<QueueOptions> options, ILogger<DocumentTypeSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (DocumentTypeCatalog.ReadFile(options.Value) is not { } list) return;
        await grains.GetGrain<IDocumentTypeRegistryGrain>(0).SeedAsync(list);
        logger.LogInformation("Document types for forwarding: {Count} in the data file", list.DocumentTypes.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using System.Text.Json;
using CounterQueue.Domain.Forwarding;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Silo.Storage;
using Microsoft.Extensions.Options;

namespace CounterQueue.Web.Forwarding;

/// <summary>The document types of 書類回送 and the ward office they go to, from a data file (Queue:DocumentTypesFile) read once.</summary>
public sealed class DocumentTypeCatalog
{
    private sealed record Data(string WardOfficeId, IReadOnlyList<DocumentType> DocumentTypes);

    private readonly Lazy<Data> _data;

    public DocumentTypeCatalog(IOptions<QueueOptions> options)
    {
        _data = new Lazy<Data>(() =>
        {
            if (options.Value.DocumentTypesFile is not { Length: > 0 } file) return new Data("", []);
            var path = Path.IsPathRooted(file) ? file : Path.Combine(AppContext.BaseDirectory, file);
            return JsonSerializer.Deserialize<Data>(File.ReadAllText(path), StateJsonSerializer.Options) ?? new Data("", []);
        });
    }

    public string WardOfficeId => _data.Value.WardOfficeId;
    public IReadOnlyList<DocumentType> All => _data.Value.DocumentTypes;
    public DocumentType? Find(string id) => All.FirstOrDefault(t => t.Id == id);
}

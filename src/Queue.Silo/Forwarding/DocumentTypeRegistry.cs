using CounterQueue.Domain;
using CounterQueue.Domain.Forwarding;

namespace CounterQueue.Silo.Forwarding;

/// <summary>The document types of 書類回送 and the ward office they go to, as stored (seeded from the data file once).</summary>
[GenerateSerializer, Immutable, Alias("cq.documentTypes")]
public sealed record DocumentTypeList(
    [property: Id(0)] string WardOfficeId,
    [property: Id(1)] IReadOnlyList<DocumentType> DocumentTypes);

public sealed class DocumentTypeRegistryState
{
    public DocumentTypeList? List { get; set; }
}

/// <summary>The one registry of document types (key 0): seeded from the data file, then changed by administrators.</summary>
public interface IDocumentTypeRegistryGrain : IGrainWithIntegerKey
{
    [Orleans.Concurrency.ReadOnly] Task<DocumentTypeList> GetAsync();
    /// <summary>Stores the list from the data file unless one is stored already (an administrator's changes are kept).</summary>
    Task SeedAsync(DocumentTypeList list);
    /// <summary>Adds or changes one type (forwardable or not, its section, its name).</summary>
    Task<DocumentTypeList> SetAsync(DocumentType type);
}

public sealed class DocumentTypeRegistryGrain(
    [PersistentState("documentTypes", StorageNames.Queue)] IPersistentState<DocumentTypeRegistryState> state) : Grain, IDocumentTypeRegistryGrain
{
    public Task<DocumentTypeList> GetAsync() => Task.FromResult(state.State.List ?? new DocumentTypeList("", []));

    public async Task SeedAsync(DocumentTypeList list)
    {
        if (state.State.List is not null) return;
        state.State.List = list;
        await state.WriteStateAsync();
    }

    public async Task<DocumentTypeList> SetAsync(DocumentType type)
    {
        var current = state.State.List ?? new DocumentTypeList("", []);
        if (current.DocumentTypes.Count >= 300 && current.DocumentTypes.All(t => t.Id != type.Id))
            throw QueueRuleException.Invalid(ProblemCodes.Validation, "At most 300 document types.");
        var index = current.DocumentTypes.ToList().FindIndex(t => t.Id == type.Id);
        var types = current.DocumentTypes.ToList();
        if (index >= 0) types[index] = type; else types.Add(type);
        state.State.List = current with { DocumentTypes = types };
        await state.WriteStateAsync();
        return state.State.List;
    }
}

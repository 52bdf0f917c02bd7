using System.Buffers;
using System.Text.Json;
using CounterQueue.Domain.History;
using CounterQueue.Domain.Tickets;
using CounterQueue.Silo.Storage;

namespace CounterQueue.Silo.Tickets;

/// <summary>
/// How a ticket line is stored: a small header (numbering, arrivals, recent service times, open counters) and one
/// record per ticket, in the grains' store (<see cref="IRecordSetStorage"/>). A change writes the header and the
/// tickets it touched, so the 20,000th ticket of a day costs what the first did. The header row is the one the line
/// kept its whole state in before, so a line stored that way is read as it is and moved over on its next write.
/// </summary>
public sealed class TicketLineStore(IRecordSetStorage storage, GrainId grainId)
{
    public const string StateName = "ticketLine";
    private static readonly JsonSerializerOptions Options = StateJsonSerializer.Options;
    private string? _etag;

    /// <summary>The line as stored, and the tickets that still have to be written as records (from the older format).</summary>
    public async Task<(TicketLineState State, IReadOnlyList<TicketRecord> ToMove)> ReadAsync()
    {
        var stored = await storage.ReadRecordSetAsync(StateName, grainId);
        _etag = stored.ETag;
        var header = stored.Header is null ? new Header() : JsonSerializer.Deserialize<Header>(stored.Header, Options) ?? new Header();
        // A ticket that left the line and came back has a newer record (a later arrival) beside its old one: the newer wins.
        var tickets = stored.Records.Select(r => JsonSerializer.Deserialize<TicketRecord>(r, Options)!)
            .GroupBy(t => t.Id).Select(g => g.MaxBy(t => t.Arrival)!).ToDictionary(t => t.Id);
        var toMove = (header.Tickets ?? []).Where(t => !tickets.ContainsKey(t.Id)).ToList();
        foreach (var t in toMove) tickets[t.Id] = t;
        var state = new TicketLineState
        {
            LastNumber = header.LastNumber,
            LastArrival = header.LastArrival,
            RecentServiceSeconds = header.RecentServiceSeconds,
            OpenCounters = header.OpenCounters,
            SessionOpen = header.SessionOpen,
            Tickets = tickets.Values.OrderBy(t => t.Arrival).ToList(), // the order they joined the line
        };
        return (state, toMove);
    }

    /// <summary>
    /// Whether a write may start before the previous one is durable (the storage applies a line's writes in order):
    /// then every change is handed to the store at once, and concurrent lines' changes share its commits.
    /// </summary>
    public bool WritesInOrder => storage.NextETagIfOrdered(_etag) is not null;

    /// <summary>
    /// Writes the header and the given tickets, if nobody else wrote the line since it was read (the ETag); the state is
    /// captured when this is called. Completes once durable. Unless <see cref="WritesInOrder"/>, the previous write must
    /// have completed; if it does, the next write expects the ETag this one will have, so it can only succeed after it.
    /// <paramref name="history"/> (only when <see cref="WritesInOrder"/>): visit events stored with the write, if it is applied.
    /// </summary>
    public Task WriteAsync(TicketLineState state, IReadOnlyList<TicketRecord> changed, IReadOnlyList<VisitEvent>? history = null)
    {
        var header = HeaderJson(state);
        // Keyed by arrival, which only grows: new records go at the end of the table's index instead of at random places.
        var records = new List<KeyValuePair<string, byte[]>>(changed.Count);
        foreach (var t in changed) records.Add(new(RecordKey(t), JsonSerializer.SerializeToUtf8Bytes(t, Options)));
        var expected = _etag;
        if (storage.NextETagIfOrdered(expected) is { } next)
        {
            _etag = next;
            return storage.WriteRecordSetInOrderAsync(StateName, grainId, header, records, expected, history); // started (queued) here
        }
        return KeepETagAsync(storage.WriteRecordSetAsync(StateName, grainId, header, records, expected, history));
    }

    private async Task KeepETagAsync(Task<string> write) => _etag = await write;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// The header as the serializer writes a <see cref="Header"/> with these options (the same bytes: a test compares them),
    /// written directly: every change of every line writes one, and the serializer's path for its two lists allocated a
    /// stack of frames each time (issue #9's allocation profile).
    /// </summary>
    internal static byte[] HeaderJson(TicketLineState state)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder, SkipValidation = true });
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteNumber(LastNumberName, state.LastNumber);
        writer.WriteNumber(LastArrivalName, state.LastArrival);
        writer.WriteStartArray(RecentServiceSecondsName);
        foreach (var seconds in state.RecentServiceSeconds) writer.WriteNumberValue(seconds);
        writer.WriteEndArray();
        writer.WriteStartArray(OpenCountersName);
        foreach (var counter in state.OpenCounters) writer.WriteStringValue(counter);
        writer.WriteEndArray();
        writer.WriteBoolean(SessionOpenName, state.SessionOpen);
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static readonly JsonEncodedText LastNumberName = Name(nameof(Header.LastNumber));
    private static readonly JsonEncodedText LastArrivalName = Name(nameof(Header.LastArrival));
    private static readonly JsonEncodedText RecentServiceSecondsName = Name(nameof(Header.RecentServiceSeconds));
    private static readonly JsonEncodedText OpenCountersName = Name(nameof(Header.OpenCounters));
    private static readonly JsonEncodedText SessionOpenName = Name(nameof(Header.SessionOpen));
    private static JsonEncodedText Name(string property) => JsonEncodedText.Encode(Options.PropertyNamingPolicy?.ConvertName(property) ?? property, Options.Encoder);

    /// <summary>The header as the serializer writes it, for the test that holds <see cref="HeaderJson"/> to the same bytes.</summary>
    internal static byte[] SerializedHeader(TicketLineState state) => JsonSerializer.SerializeToUtf8Bytes(new Header
    {
        LastNumber = state.LastNumber,
        LastArrival = state.LastArrival,
        RecentServiceSeconds = state.RecentServiceSeconds,
        OpenCounters = state.OpenCounters,
        SessionOpen = state.SessionOpen,
    }, Options);

    private static string RecordKey(TicketRecord ticket) => ticket.Arrival.ToString("D12", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The stored header: <see cref="TicketLineState"/> without its tickets (which older lines kept here too).</summary>
    private sealed class Header
    {
        public int LastNumber { get; set; }
        public long LastArrival { get; set; }
        public List<double> RecentServiceSeconds { get; set; } = [];
        public List<string> OpenCounters { get; set; } = [];
        public bool SessionOpen { get; set; }
        /// <summary>Only in lines stored before tickets became records; never written.</summary>
        public List<TicketRecord>? Tickets { get; set; }
    }
}

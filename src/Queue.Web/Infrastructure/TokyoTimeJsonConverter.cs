using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CounterQueue.Domain.Calendar;

namespace CounterQueue.Web.Infrastructure;

/// <summary>Writes every instant in Japan time with its offset ("2026-11-24T15:03:52.436+09:00"), as the contract says.</summary>
public sealed class TokyoTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            && text.Length >= 19 && (text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > 10))
            return value;
        throw new JsonException("Times are ISO 8601 with an offset, e.g. 2026-04-01T09:00:00+09:00.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<char> text = stackalloc char[40]; // formatted in place: every answer carries a time or two
        if (!Tokyo.ToLocal(value).TryFormat(text, out var length, "yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture))
            throw new JsonException("A time could not be written.");
        writer.WriteStringValue(text[..length]);
    }
}

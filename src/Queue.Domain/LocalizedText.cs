using System.Text.Json.Serialization;

namespace CounterQueue.Domain;

/// <summary>Text shown to people, Japanese first. Other languages are optional and fall back to English.</summary>
public sealed record LocalizedText(string Ja, string En)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Zh { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Ko { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Vi { get; init; }

    public string For(string? language) => language switch
    {
        "ja" or null => Ja,
        "zh" => Zh ?? En,
        "ko" => Ko ?? En,
        "vi" => Vi ?? En,
        _ => En,
    };
}

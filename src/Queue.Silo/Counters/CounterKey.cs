
namespace CounterQueue.Silo.Counters;

/// <summary>The key of a counter: "office/counter".</summary>
public readonly record struct CounterKey(string OfficeId, string CounterId)
{
    public string ToGrainKey() => $"{OfficeId}/{CounterId}";

    public static CounterKey Parse(string key)
    {
        var slash = key.IndexOf('/');
        if (slash <= 0) throw new FormatException($"'{key}' is not a counter key.");
        return new(key[..slash], key[(slash + 1)..]);
    }
}

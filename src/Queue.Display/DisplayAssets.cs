namespace CounterQueue.Display;

/// <summary>Marks the assembly whose static web assets (under /_content/CounterQueue.Display) hold the pages.</summary>
public static class DisplayAssets
{
    public const string BasePath = "/_content/CounterQueue.Display";
}

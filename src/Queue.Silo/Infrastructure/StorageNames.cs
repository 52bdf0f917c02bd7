namespace CounterQueue.Silo;

public static class StorageNames
{
    /// <summary>The grain storage every CounterQueue grain uses: embedded SQLite by default.</summary>
    public const string Queue = "queue";
}

namespace CounterQueue.Tests.Support;

/// <summary>A folder of its own for one test or fixture, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string? name = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "counterqueue-tests", (name ?? "t") + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the OS temp cleaner gets it later.
        }
    }
}

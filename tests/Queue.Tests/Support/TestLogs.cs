using Microsoft.Extensions.Logging;

namespace CounterQueue.Tests.Support;

/// <summary>
/// Where the suite keeps what the apps it starts log (QUEUE_TEST_LOGS, set by test.sh): every in-process app, every
/// app process and the test cluster's silo write a file there, and after the suite tests/Queue.LogScan reads them all
/// for personal data. Unset (a test run from an IDE), nothing is written.
/// </summary>
public static class TestLogs
{
    public static string? Directory => Environment.GetEnvironmentVariable("QUEUE_TEST_LOGS") is { Length: > 0 } path ? path : null;

    /// <summary>A new log file's path for one app, or null when the suite keeps no logs.</summary>
    public static string? NewFile(string kind)
    {
        if (Directory is not { } directory) return null;
        System.IO.Directory.CreateDirectory(directory);
        return Path.Combine(directory, $"{kind}-{Guid.NewGuid():N}.log");
    }

    /// <summary>Writes an app process's output (what it logged to the console) to a new file.</summary>
    public static void Keep(string kind, string output)
    {
        if (NewFile(kind) is { } path) File.WriteAllText(path, output);
    }
}

/// <summary>Writes every log entry the app's filters let through, with its structured values and exception, to a file.</summary>
public sealed class FileLoggerProvider(string path) : ILoggerProvider
{
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    private readonly Lock _lock = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
        lock (_lock) _writer.Dispose();
    }

    private void Write(string line)
    {
        lock (_lock)
        {
            try
            {
                _writer.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // a late entry after the app stopped
            }
        }
    }

    private sealed class Logger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            provider.Write($"{DateTimeOffset.UtcNow:O} {logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}

namespace CounterQueue.Silo.Infrastructure;

/// <summary>The "Queue" configuration section.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>Where the embedded store, the signing key and other local files live (Queue__DataDirectory).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The demo offices loaded on first start; empty to start with none.</summary>
    public string? DemoOfficesFile { get; set; } = "demo-offices.json";
    /// <summary>The temporary-counter procedures (臨時窓口) and what to bring for each; read at every start.</summary>
    public string? TemporaryProceduresFile { get; set; } = "temporary-procedures.json";
    /// <summary>How often a temporary counter whose session ended checks again whether its line is empty, to close.</summary>
    public TimeSpan TemporaryCloseRetry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Port for silo-to-silo traffic in the one-process default.</summary>
    public int SiloPort { get; set; } = 11111;

    public string ClusterId { get; set; } = "counterqueue";
}

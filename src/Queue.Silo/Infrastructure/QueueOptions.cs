namespace CounterQueue.Silo.Infrastructure;

/// <summary>The "Queue" configuration section (appsettings, Queue__* environment variables, command line).</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>Where the embedded store, the signing key and other local files live (Queue__DataDirectory), relative to the working folder.</summary>
    public string DataDirectory { get; set; } = "data";
    /// <summary>
    /// Where the Data Protection key ring that seals personal data at rest is kept. Unset: the data folder's <c>keys</c>
    /// folder on the embedded store, the database in cluster mode. Back it up apart from the data: without it the
    /// names and contacts in the store cannot be read.
    /// </summary>
    public string? DataProtectionKeysDirectory { get; set; }

    /// <summary>The demo offices loaded on first start; empty to start with none.</summary>
    public string? DemoOfficesFile { get; set; } = "demo-offices.json";
    /// <summary>The temporary-counter procedures (臨時窓口) and what to bring for each; read at every start.</summary>
    public string? TemporaryProceduresFile { get; set; } = "temporary-procedures.json";
    /// <summary>How often a temporary counter whose session ended checks again whether its line is empty, to close.</summary>
    public TimeSpan TemporaryCloseRetry { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Temporary-counter schedules planned at once (not cancelled, with a session still to come) at most.</summary>
    public int MaxTemporarySchedules { get; set; } = 2000;
    /// <summary>Days a schedule is kept after its last session ended (past seasons on the public list, the forecast's temporary days); then deleted.</summary>
    public int TemporaryScheduleRetentionDays { get; set; } = 400;

    /// <summary>
    /// Cluster mode: a PostgreSQL connection string. Set, the silos of every web host that shares it form one
    /// cluster (membership, grain state and the scheduler's jobs in that database); unset, one process on the
    /// embedded store (the default).
    /// </summary>
    public string? PostgreSql { get; set; }

    /// <summary>In cluster mode: the address other silos reach this one at.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// <see cref="AdvertisedAddress"/> "auto": this machine's first IPv4 address that is up and not loopback — what a
    /// container or a Kubernetes pod has (where the address is not known before it starts).
    /// </summary>
    public const string AutoAddress = "auto";

    /// <summary>The address other silos reach this one at, with "auto" resolved.</summary>
    public System.Net.IPAddress AdvertisedIPAddress() =>
        AdvertisedAddress.Equals(AutoAddress, StringComparison.OrdinalIgnoreCase)
            ? System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up
                            && n.NetworkInterfaceType != System.Net.NetworkInformation.NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a))
              ?? throw new InvalidOperationException("Queue:AdvertisedAddress is 'auto' but this machine has no IPv4 address besides loopback.")
            : System.Net.IPAddress.Parse(AdvertisedAddress);

    /// <summary>Port for silo-to-silo traffic.</summary>
    public int SiloPort { get; set; } = 11111;

    public string ClusterId { get; set; } = "counterqueue";

    /// <summary>
    /// How many days after its slot a booking's contact details (name, phone, e-mail) are kept before they are deleted
    /// (個人情報の保存期間); the booking keeps only its times and status. 0 deletes them once the slot is over.
    /// </summary>
    public int ContactRetentionDays { get; set; } = 30;

    /// <summary>The document types branches may forward to the ward office's sections (書類回送), read at every start.</summary>
    public string? DocumentTypesFile { get; set; } = "forwarding-document-types.json";
    /// <summary>A forwarded paper not received by its section within this many of the ward office's business days is overdue.</summary>
    public int ForwardingOverdueBusinessDays { get; set; } = 3;
    /// <summary>Days after completion that a forwarded paper's resident name (if recorded) is kept.</summary>
    public int ForwardingNameRetentionDays { get; set; } = 30;

    /// <summary>Whether the visit history (来庁記録) is kept: journeys, congestion forecasts and reports read it. On by default.</summary>
    public bool HistoryEnabled { get; set; } = true;
    /// <summary>
    /// The embedded store's group-commit wait in microseconds (Linux): a commit of two to nine writes waits this long for
    /// more first, so one fsync serves more of them under load; a lone write never waits. 0 turns it off.
    /// </summary>
    public int CommitDelayMicroseconds { get; set; } = (int)Storage.SqliteStore.DefaultCommitDelay.TotalMicroseconds;
    /// <summary>
    /// Days a past day's ticket lines, bookings, room holds and redirect log are kept (a ticket can be looked up that
    /// long); then deleted nightly. The visit history keeps what reports need for longer.
    /// </summary>
    public int PastDaysKept { get; set; } = 31;
    /// <summary>Days of visit history kept; older days are deleted nightly. A year and a bit, so a season compares with the last.</summary>
    public int HistoryRetentionDays { get; set; } = 400;
    /// <summary>Days the audit log of staff and admin actions is kept; older entries are deleted nightly.</summary>
    public int AuditRetentionDays { get; set; } = 730;
    /// <summary>
    /// Where the nightly backups of the embedded store go (a copy of the whole store, consistent, taken while it runs);
    /// unset: the data folder's <c>backups</c>. Put it on another disk: a backup beside the data does not survive that disk.
    /// </summary>
    public string? BackupDirectory { get; set; }
    /// <summary>Nightly backups kept (the oldest beyond this are deleted after each new one).</summary>
    public int BackupsKept { get; set; } = 7;
    /// <summary>For demonstrations: fill this many past weeks of plausible traffic into the history of days that have none, at start.</summary>
    public int DemoHistoryWeeks { get; set; }

    /// <summary>A ready ticket (交付待ち) not collected this long after it became ready is shown on the display again.</summary>
    public TimeSpan PickupRecallAfter { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>A ready ticket still not collected this long after it became ready is marked uncollected (未交付) and shown to staff.</summary>
    public TimeSpan PickupUncollectedAfter { get; set; } = TimeSpan.FromMinutes(60);
    /// <summary>How often a line with ready tickets checks them (machine time).</summary>
    public TimeSpan PickupCheckEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// For demonstrations, staff training and benchmarks only: the clock starts at this instant (ISO 8601 with its
    /// offset, e.g. 2026-11-20T08:25:00+09:00) and runs at normal speed from there, so a session can begin just before
    /// opening or midnight. It must not be ahead of the machine's clock (Orleans' membership uses the same clock).
    /// Unset (the default): the machine's clock.
    /// </summary>
    public string? ClockStartsAt { get; set; }

    /// <summary><see cref="ClockStartsAt"/> read, or null (also when it does not parse; the validator says so).</summary>
    public DateTimeOffset? ClockStart =>
        DateTimeOffset.TryParseExact(ClockStartsAt?.Trim(), ClockFormats, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var start) ? start : null;

    private static readonly string[] ClockFormats = ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];

    /// <summary>The one place that decides the mode: cluster mode on PostgreSQL, or one process on the embedded store.</summary>
    public bool IsClusterMode => !string.IsNullOrWhiteSpace(PostgreSql);

    /// <summary>The data folder as an absolute path (a relative one is under the working folder).</summary>
    public string DataDirectoryPath => Path.GetFullPath(DataDirectory);

    /// <summary>The backups' folder, full path.</summary>
    public string BackupDirectoryPath => Path.GetFullPath(string.IsNullOrWhiteSpace(BackupDirectory) ? Path.Combine(DataDirectory, "backups") : BackupDirectory);
}

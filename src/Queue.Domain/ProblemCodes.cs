using System.Reflection;

namespace CounterQueue.Domain;

/// <summary>
/// Every error code a problem response can carry (the <c>code</c> member of RFC 9457 problem details).
/// Clients branch on these, so they never change once released; each has a Japanese and an English
/// title in Queue.Web's Resources/Problems*.resx (a test checks that every code here has both).
/// </summary>
public static class ProblemCodes
{
    // Not found (404)
    public const string NotFound = "not-found";
    public const string OfficeNotFound = "office-not-found";
    public const string ServiceNotFound = "service-not-found";
    public const string CounterNotFound = "counter-not-found";
    public const string TicketNotFound = "ticket-not-found";
    public const string ProcedureNotFound = "procedure-not-found";
    public const string ScheduleNotFound = "schedule-not-found";
    public const string BookingNotFound = "booking-not-found";
    public const string RelocationNotFound = "relocation-not-found";
    public const string SectionNotFound = "section-not-found";

    // The request itself (400, 413, 415, 405)
    public const string BadRequest = "bad-request";
    public const string Validation = "validation";
    public const string MalformedRequest = "malformed-request";
    public const string BodyTooLarge = "body-too-large";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string MethodNotAllowed = "method-not-allowed";
    public const string IdempotencyMismatch = "idempotency-mismatch";

    // Identity (401, 403, 409)
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string InvalidCredentials = "invalid-credentials";
    public const string UserExists = "user-exists";
    /// <summary>429: too many requests from one client (or for one office) in a short time; Retry-After says when to try again.</summary>
    public const string RateLimited = "rate-limited";
    /// <summary>429: too many failed sign-ins for this user name or from this address; Retry-After says when to try again.</summary>
    public const string SignInLocked = "sign-in-locked";
    /// <summary>400: a new password that the password policy refuses.</summary>
    public const string WeakPassword = "weak-password";

    // Offices
    public const string InvalidOffice = "invalid-office";
    public const string OfficeIdMismatch = "office-id-mismatch";
    public const string TooManyOffices = "too-many-offices";

    // Tickets and lines
    public const string TicketIdMismatch = "ticket-id-mismatch";
    public const string ServiceClosed = "service-closed";
    public const string LineClosed = "line-closed";
    public const string TicketNotAtCounter = "ticket-not-at-counter";
    public const string TicketFinished = "ticket-finished";
    public const string TicketNotProcessing = "ticket-not-processing";
    public const string TicketNotWaiting = "ticket-not-waiting";
    public const string SameService = "same-service";

    // Counters
    public const string NoServices = "no-services";
    public const string CounterClosed = "counter-closed";
    public const string CounterNotOpen = "counter-not-open";
    public const string TicketInHand = "ticket-in-hand";
    public const string NoTicketInHand = "no-ticket-in-hand";
    public const string CallContended = "call-contended";

    // Temporary counters (臨時窓口)
    public const string NoSessions = "no-sessions";
    public const string TooManySessions = "too-many-sessions";
    public const string SessionInPast = "session-in-past";
    public const string SessionTooFar = "session-too-far";
    public const string SessionTime = "session-time";
    public const string SessionClosesBeforeOpens = "session-closes-before-opens";
    public const string SessionOverlap = "session-overlap";
    public const string ServiceNotTemporary = "service-not-temporary";
    public const string TooManySchedules = "too-many-schedules";

    // Bookings (予約)
    public const string ServiceNotBookable = "service-not-bookable";
    public const string NotASlot = "not-a-slot";
    public const string SlotFull = "slot-full";
    public const string SlotPast = "slot-past";
    public const string SlotCutOff = "slot-cut-off";
    public const string SlotBeyondHorizon = "slot-beyond-horizon";
    public const string BookingNotCancellable = "booking-not-cancellable";
    public const string BookingCancelled = "booking-cancelled";
    public const string BookingNoShow = "booking-no-show";
    public const string CheckInNotToday = "check-in-not-today";
    public const string RoomUnavailable = "room-unavailable";
    public const string SectionUnavailable = "section-unavailable";

    // Branches and the ward office
    public const string RemoteUnavailable = "remote-consultation-unavailable";
    public const string ForwardingNotFound = "forwarding-not-found";
    public const string DocumentTypeNotFound = "document-type-not-found";
    public const string NotForwardable = "not-forwardable";
    public const string ForwardingOutOfOrder = "forwarding-out-of-order";

    // Relocations (移転)
    public const string RelocationInEffect = "relocation-in-effect";

    // Backups of the embedded store (バックアップ)
    /// <summary>Backups asked of a host in cluster mode: the data is in PostgreSQL, backed up there (409).</summary>
    public const string BackupsElsewhere = "backups-elsewhere";
    /// <summary>A backup could not be written (its folder, a full disk): 503, the detail says why.</summary>
    public const string BackupFailed = "backup-failed";

    // The service itself (503, 500)
    public const string Unavailable = "unavailable";
    /// <summary>The embedded store cannot write (disk full, I/O error, read-only): 503, nothing changed.</summary>
    public const string StorageUnavailable = "storage-unavailable";
    public const string Internal = "internal";

    /// <summary>Every code above, for the test that checks each has a title.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(ProblemCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();
}

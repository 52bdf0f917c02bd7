namespace CounterQueue.Domain;

/// <summary>What kind of rule a request broke; the web layer maps it to a 4xx status.</summary>
public enum QueueErrorKind
{
    /// <summary>The thing named does not exist (404).</summary>
    NotFound,
    /// <summary>The request itself is malformed or out of range (400).</summary>
    Invalid,
    /// <summary>The request is well formed but the current state forbids it (409).</summary>
    Conflict,
    /// <summary>The signed-in user may not do this here: another branch's or section's papers (403).</summary>
    Forbidden,
}

/// <summary>
/// A queue rule refused a request. <see cref="Code"/> is stable and machine-readable
/// (clients branch on it); <see cref="Message"/> is an English sentence for people.
/// </summary>
public sealed class QueueRuleException(QueueErrorKind kind, string code, string message,
    IReadOnlyDictionary<string, string>? details = null) : Exception(message)
{
    public QueueErrorKind Kind { get; } = kind;
    public string Code { get; } = code;
    public IReadOnlyDictionary<string, string> Details { get; } = details ?? new Dictionary<string, string>();

    public static QueueRuleException NotFound(string code, string message) => new(QueueErrorKind.NotFound, code, message);
    public static QueueRuleException Invalid(string code, string message) => new(QueueErrorKind.Invalid, code, message);
    public static QueueRuleException Conflict(string code, string message, IReadOnlyDictionary<string, string>? details = null)
        => new(QueueErrorKind.Conflict, code, message, details);
    public static QueueRuleException Forbidden(string message) => new(QueueErrorKind.Forbidden, ProblemCodes.Forbidden, message);
}

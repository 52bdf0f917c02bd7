namespace CounterQueue.Domain.Security;

/// <summary>
/// One action of a signed-in staff member, guide or administrator (or a sign-in attempt), as the audit log keeps it: who,
/// when, from where, what (the method and the route, with the ids it named) and how it ended. Never a body: no passwords,
/// no residents' names or contacts.
/// </summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string? User,
    string Method,
    string Route,
    string? Target,
    int Status,
    string? Address);

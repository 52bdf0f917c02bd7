namespace CounterQueue.Silo.History;

/// <summary>
/// Who is acting (the signed-in staff member's user name), carried with every grain call a request makes (Orleans'
/// <see cref="RequestContext"/>), so the grains that record history know it without each method taking it.
/// </summary>
public static class ActingStaff
{
    private const string Key = "cq-staff";

    public static string? Current => RequestContext.Get(Key) as string;

    public static void Set(string? userName)
    {
        if (string.IsNullOrEmpty(userName)) RequestContext.Remove(Key);
        else RequestContext.Set(Key, userName);
    }
}

namespace CounterQueue.Domain.Security;

/// <summary>
/// What a staff password must be (NIST SP 800-63B in spirit: length over composition rules): at least
/// <see cref="MinimumLength"/> characters, not the user name, not one or two characters repeated, not a well-known password.
/// </summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 10;
    public const int MaximumLength = 256;

    private static readonly HashSet<string> WellKnown = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "password1", "password12", "password123", "password1234", "passw0rd", "p@ssw0rd", "p@ssword123",
        "1234567890", "12345678910", "0123456789", "9876543210", "qwertyuiop", "qwerty1234", "qwerty12345", "asdfghjkl;",
        "1q2w3e4r5t", "1qaz2wsx3edc", "iloveyou12", "abcdefghij", "abcd123456", "abc1234567", "letmein123", "welcome123",
        "changeme12", "change-me1", "administrator", "admin12345", "admin123456", "counterqueue", "kawasaki123", "kawasaki1234",
        "tokyo12345", "nihon12345", "sakura1234", "monkey1234", "dragon1234", "baseball12", "football12", "superman12",
    };

    /// <summary>Why the password is refused (empty when it is acceptable).</summary>
    public static IReadOnlyList<string> Check(string username, string password)
    {
        var problems = new List<string>();
        if (password.Length < MinimumLength) problems.Add($"at least {MinimumLength} characters");
        if (password.Length > MaximumLength) problems.Add($"at most {MaximumLength} characters");
        if (password.Distinct().Count() < 4) problems.Add("more than three different characters");
        if (username.Length > 0 && password.Contains(username, StringComparison.OrdinalIgnoreCase)) problems.Add("not containing the user name");
        if (WellKnown.Contains(password) || WellKnown.Contains(password.TrimEnd('!', '.', '1'))) problems.Add("not a well-known password");
        return problems;
    }
}

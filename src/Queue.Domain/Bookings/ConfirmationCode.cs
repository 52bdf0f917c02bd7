using System.Security.Cryptography;

namespace CounterQueue.Domain.Bookings;

/// <summary>
/// The code a visitor reads out over the phone or types at the kiosk: eight characters in two groups ("K7RM-3XHA"),
/// from an alphabet without look-alikes (no 0/O/D/Q, 1/I/L, 2/Z, 5/S, 8/B, U/V, 6/G) — about 34 bits, one per
/// booking, checked together with the office so a guess finds nothing.
/// </summary>
public static class ConfirmationCode
{
    public const string Alphabet = "ACEFHJKMNPRTWXY3479";
    private const int Length = 8;

    public static string New()
    {
        Span<char> code = stackalloc char[Length + 1];
        for (int i = 0, j = 0; i < Length; i++, j++)
        {
            if (i == Length / 2) code[j++] = '-';
            code[j] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        return new string(code);
    }

    /// <summary>
    /// What a person typed, as the code it means (upper case, grouped), or null if it cannot be one. Spaces and hyphens
    /// anywhere are ignored, and lower case is read as upper case.
    /// </summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null || typed.Length > 32) return null;
        var letters = typed.Where(c => c is not (' ' or '-' or '\u3000' or '\u30fc')).Select(char.ToUpperInvariant).ToArray();
        if (letters.Length != Length || letters.Any(c => !Alphabet.Contains(c))) return null;
        return new string(letters, 0, Length / 2) + "-" + new string(letters, Length / 2, Length / 2);
    }
}

using System.Security.Cryptography;

namespace CounterQueue.Silo.Tickets;

/// <summary>
/// Bytes from the system's cryptographic generator, fetched a few kilobytes at a time per thread and each handed out once:
/// the generator costs about as much per call as for a whole block (OpenSSL's RAND_bytes took ~2 % of a ticket's CPU when
/// called for every id).
/// </summary>
internal static class RandomBytes
{
    private const int BlockSize = 4096;
    [ThreadStatic] private static byte[]? t_block;
    [ThreadStatic] private static int t_used;

    public static void Fill(Span<byte> destination)
    {
        if (destination.Length > BlockSize)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }
        var block = t_block ??= new byte[BlockSize];
        if (t_used == 0 || t_used + destination.Length > BlockSize)
        {
            RandomNumberGenerator.Fill(block);
            t_used = 0;
        }
        var source = block.AsSpan(t_used, destination.Length);
        source.CopyTo(destination);
        source.Clear(); // handed out once: never again, and not left in memory
        t_used += destination.Length;
        if (t_used == BlockSize) t_used = 0;
    }
}

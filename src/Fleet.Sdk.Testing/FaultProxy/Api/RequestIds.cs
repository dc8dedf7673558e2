using System.Security.Cryptography;

namespace Fleet.Sdk.Testing;

/// <summary>
/// Request ids in the shape Toxiproxy's xid ids have: 20 characters of base32hex, ordered by time,
/// unique per process (a timestamp, a random process part and a counter).
/// </summary>
internal sealed class RequestIds
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuv";
    private readonly TimeProvider _time;
    private readonly byte[] _process = RandomNumberGenerator.GetBytes(5);
    private int _counter = RandomNumberGenerator.GetInt32(int.MaxValue);

    public RequestIds(TimeProvider time)
    {
        _time = time;
    }

    public string Next()
    {
        Span<byte> raw = stackalloc byte[12];
        var seconds = (uint)_time.GetUtcNow().ToUnixTimeSeconds();
        var counter = (uint)Interlocked.Increment(ref _counter);
        raw[0] = (byte)(seconds >> 24);
        raw[1] = (byte)(seconds >> 16);
        raw[2] = (byte)(seconds >> 8);
        raw[3] = (byte)seconds;
        _process.CopyTo(raw[4..]);
        raw[9] = (byte)(counter >> 16);
        raw[10] = (byte)(counter >> 8);
        raw[11] = (byte)counter;

        Span<char> id = stackalloc char[20];
        ulong bits = 0;
        int pending = 0, written = 0;
        foreach (var b in raw)
        {
            bits = (bits << 8) | b;
            pending += 8;
            while (pending >= 5)
            {
                pending -= 5;
                id[written++] = Alphabet[(int)((bits >> pending) & 31)];
            }
        }

        if (pending > 0)
        {
            id[written++] = Alphabet[(int)((bits << (5 - pending)) & 31)];
        }

        return new string(id[..written]);
    }
}

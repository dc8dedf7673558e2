using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// The two socket calls of the C library that libzmq offers no equivalent for: closing one accepted
/// connection of a ROUTER (its monitor reports the connection's file descriptor) and checking what
/// that descriptor is first.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc.so.6";
    private const int ShutdownReadWrite = 2;
    private const ushort AddressFamilyUnix = 1, AddressFamilyInet = 2, AddressFamilyInet6 = 10;

    /// <summary>
    /// Shuts down both directions of the connection on <paramref name="descriptor"/>, when it is a TCP
    /// connection on one of <paramref name="ports"/> or a Unix socket (ipc). libzmq, which owns the
    /// descriptor, then sees the connection end and closes it itself (no descriptor is ever closed here).
    /// </summary>
    /// <returns><see langword="true"/> when the connection was shut down.</returns>
    public static bool ShutdownConnection(int descriptor, IReadOnlyCollection<int> ports) =>
        IsConnectionOn(descriptor, ports) && shutdown(descriptor, ShutdownReadWrite) == 0;

    /// <summary>Gets a value indicating whether <paramref name="descriptor"/> is an open TCP socket on one of <paramref name="ports"/>, or a Unix socket.</summary>
    public static bool IsConnectionOn(int descriptor, IReadOnlyCollection<int> ports)
    {
        Span<byte> address = stackalloc byte[128];
        var length = (uint)address.Length;
        fixed (byte* pointer = address)
        {
            if (getsockname(descriptor, pointer, &length) != 0 || length < 2)
            {
                return false;
            }
        }

        var family = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(address) : BinaryPrimitives.ReadUInt16BigEndian(address);
        return family switch
        {
            AddressFamilyInet or AddressFamilyInet6 => length >= 4 && ports.Contains(BinaryPrimitives.ReadUInt16BigEndian(address[2..])),
            AddressFamilyUnix => true,
            _ => false,
        };
    }

    [LibraryImport(Library, SetLastError = true)]
    private static partial int shutdown(int socket, int how);

    [LibraryImport(Library, SetLastError = true)]
    private static partial int getsockname(int socket, byte* address, uint* length);
}

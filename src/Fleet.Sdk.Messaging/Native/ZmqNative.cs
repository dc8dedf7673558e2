using System.Runtime.InteropServices;

namespace Fleet.Sdk.Messaging;

/// <summary>Loads libzmq once, at first use, and turns its absence into an error that says what to install.</summary>
internal static class ZmqNative
{
    /// <summary>The oldest libzmq the binding is written against: ZMTP heartbeats, handshake events, zmq_msg_gets.</summary>
    public static readonly Version MinimumVersion = new(4, 3, 0);

    private static readonly Lazy<Version> Loaded = new(() => Load(LibZmq.Library), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets the loaded libzmq version.</summary>
    public static Version Version => Loaded.Value;

    /// <summary>Loads libzmq or throws <see cref="ZmqException"/> saying how to install it.</summary>
    public static void EnsureLoaded() => _ = Loaded.Value;

    /// <summary>Loads <paramref name="library"/> and checks its version; separate from the cached path so tests can probe a missing name.</summary>
    internal static Version Load(string library)
    {
        if (!NativeLibrary.TryLoad(library, typeof(ZmqNative).Assembly, DllImportSearchPath.SafeDirectories, out var handle))
        {
            throw MessagingErrors.LibraryMissing(library);
        }

        NativeLibrary.Free(handle);
        LibZmq.zmq_version(out var major, out var minor, out var patch);
        var version = new Version(major, minor, patch);
        return version < MinimumVersion ? throw MessagingErrors.LibraryTooOld(version, MinimumVersion) : version;
    }
}

namespace Fleet.Sdk.Messaging.Tests.Native;

public sealed class ZmqNativeTests
{
    [Fact]
    public void Load_LibraryMissing_SaysWhatToInstall()
    {
        var error = Assert.Throws<ZmqException>(() => ZmqNative.Load("libzmq-not-installed.so.9"));

        Assert.Contains("install libzmq5 (apt-get install libzmq5)", error.Message, StringComparison.Ordinal);
        Assert.Contains("libzmq-not-installed.so.9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_Installed_Is43OrNewer()
    {
        Assert.True(ZmqNative.Version >= new Version(4, 3, 0), $"libzmq {ZmqNative.Version}");
    }

    [Fact]
    public void Native_ErrorMessage_OperationMessageAndCode()
    {
        var error = MessagingErrors.Native("zmq_connect tcp://x", 22);

        Assert.Equal("zmq_connect tcp://x: Invalid argument (code 22). Expected tcp://host:port, ipc://path or inproc://name.", error.Message);
        Assert.Equal(22, error.ErrorCode);
    }
}

// Fleet.Sdk's tests run on Linux: the engines they use (libzmq5, redis-server, pyzmq) come from Debian.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

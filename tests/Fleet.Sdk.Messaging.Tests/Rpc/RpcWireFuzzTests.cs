using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Fleet.Sdk.Messaging.Tests.Rpc;

/// <summary>
/// The fuzzing suite of the RPC wire parser, both protocols: a checked-in corpus of nasty inputs
/// (tests/Fixtures/fuzz/rpc, each file named after the outcome it must give), random and mutated
/// frames, and well-formed requests that must read back exactly. Every input gives a request or a
/// rejection with a well-formed error reply in its own protocol, within a time bound, without an
/// exception. Bounded in CI; set FLEET_FUZZ_CASES to run more cases per property.
/// </summary>
public sealed class RpcWireFuzzTests
{
    /// <summary>Generous: one parse takes microseconds; this only catches a hang or a blow-up.</summary>
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(2);

    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz", "rpc");

    private static readonly FsCheck.Config Cases = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(CaseCount()).WithQuietOnSuccess(true);

    private static readonly string[] Codes =
        [AgentRpcErrorCodes.BadRequest, AgentRpcErrorCodes.TooLarge, AgentRpcErrorCodes.Timeout, AgentRpcErrorCodes.UnsupportedVersion];

    public static TheoryData<string> Corpus() => new(CorpusNames());

    [Theory]
    [MemberData(nameof(Corpus))]
    public void ParseRequest_CorpusInput_GivesTheOutcomeItsNameStates(string name)
    {
        var expected = name[..name.IndexOf("--", StringComparison.Ordinal)];
        var frames = ReadCorpus(name);

        var parsed = ParseWithinBound(frames);

        AssertWellFormed(frames, parsed);
        Assert.Equal(expected, parsed.Rejection?.Code ?? "request");
    }

    [Fact]
    public void Server_EveryCorpusInput_GetsAReplyInItsProtocol()
    {
        using var server = new RpcTestServer();
        using var client = new ZmqContext();
        using var dealer = client.CreateSocket(ZmqSocketType.Dealer);
        dealer.Linger = TimeSpan.Zero;
        dealer.Connect(server.Endpoint);
        foreach (var name in CorpusNames())
        {
            var frames = ReadCorpus(name);
            dealer.SendMultipart([[], .. frames]);

            Assert.True(dealer.TryReceiveMultipartBytes(TimeSpan.FromSeconds(5), out var reply), $"no reply to {name}");
            var expected = RpcWire.ParseRequest(frames, server.Context.Options.MaxMessageSize);
            var isFleet = expected.Shape == RpcShape.Fleet;
            Assert.Equal(isFleet ? 4 : 2, reply!.Count);
            if (expected.Rejection is { } rejection)
            {
                Assert.True(RpcWire.TryReadError(JsonDocument.Parse(reply[^1]).RootElement, out var code, out _), $"{name}: not an error reply");
                Assert.Equal(rejection.Code, code);
            }

            expected.Document?.Dispose();
        }
    }

    [Fact]
    public void ParseRequest_RandomHostileFrames_RequestOrWellFormedRejection()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(HostileFrames()), frames =>
        {
            AssertWellFormed(frames, ParseWithinBound(frames));
            return true;
        }));
    }

    [Fact]
    public void ParseRequest_RandomBytes_RequestOrWellFormedRejection()
    {
        var bytes = ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null);
        var frames = Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(bytes, n))
            .SelectMany(list => Gen.Elements(true, false).Select(fleet => fleet && list.Count > 0 ? [RpcWire.ProtocolFrame.ToArray(), .. list.Skip(1)] : list.ToList()));
        Check.One(Cases, Prop.ForAll(Arb.From(frames), list =>
        {
            AssertWellFormed(list, ParseWithinBound(list));
            return true;
        }));
    }

    [Fact]
    public void ParseRequest_MutatedCorpusInputs_RequestOrWellFormedRejection()
    {
        var corpus = CorpusNames().Select(ReadCorpus).ToArray();
        var mutated =
            from frames in Gen.Elements(corpus)
            from frameIndex in Gen.Choose(0, Math.Max(0, frames.Count - 1))
            from position in Gen.Choose(0, 10_000)
            from mutation in Gen.Choose(0, 3)
            from value in Gen.Choose(0, 255)
            select Mutate(frames, frameIndex, position, mutation, (byte)value);
        Check.One(Cases, Prop.ForAll(Arb.From(mutated), frames =>
        {
            AssertWellFormed(frames, ParseWithinBound(frames));
            return true;
        }));
    }

    [Fact]
    public void ParseRequest_WellFormedRequestsInBothProtocols_ReadBackExactly()
    {
        var text = ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && !s.Any(char.IsSurrogate));
        var requests =
            from action in Gen.OneOf(text, Gen.Elements("health_check", "echo", "h\u00e9llo \ud83d\ude00"))
            from caller in text
            from id in ArbMap.Default.GeneratorFor<ulong>()
            from timeout in Gen.Choose(1, int.MaxValue)
            select (action, caller, id, timeout);
        Check.One(Cases, Prop.ForAll(Arb.From(requests), sample =>
        {
            var body = RpcWire.Request(sample.action, new { n = 1 }, JsonSerializerOptions.Default);
            var fleet = ParseWithinBound([RpcWire.ProtocolFrame.ToArray(), RpcWire.RequestHeader(sample.id, sample.timeout, sample.caller), body]);
            var legacy = ParseWithinBound([body]);
            try
            {
                Assert.Null(fleet.Rejection);
                Assert.Equal((RpcShape.Fleet, sample.action, sample.caller, sample.id, TimeSpan.FromMilliseconds(sample.timeout)), (fleet.Shape, fleet.Action, fleet.Caller, fleet.Id!.Value, fleet.Budget!.Value));
                Assert.Null(legacy.Rejection);
                Assert.Equal((RpcShape.Legacy, sample.action, (TimeSpan?)null), (legacy.Shape, legacy.Action, legacy.Budget));
                Assert.Equal(1, legacy.Document!.RootElement.GetProperty("n").GetInt32());
            }
            finally
            {
                fleet.Document?.Dispose();
                legacy.Document?.Dispose();
            }

            return true;
        }));
    }

    private static string[] CorpusNames() =>
        [.. Directory.GetFiles(CorpusDirectory, "*.frames").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)];

    /// <summary>Cases per property: FLEET_FUZZ_CASES when set, else a bound that keeps CI at a few seconds.</summary>
    private static int CaseCount() =>
        int.TryParse(Environment.GetEnvironmentVariable("FLEET_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var cases) && cases > 0 ? cases : 300;

    /// <summary>Frames made of the fragments the parser cares about.</summary>
    private static Gen<List<byte[]>> HostileFrames()
    {
        var fragments = new[]
        {
            "{", "}", "[", "]", ":", ",", "\"", " ", "\"action\"", "\"echo\"", "\"health_check\"", "\"\\ud800\"", "\"\\udc00\"", "\\u", "\\ud83d\\ude00",
            "\"id\"", "\"timeout_ms\"", "\"caller\"", "1e15", "1000000000000000", "-1", "0", "18446744073709551616", "1e400", "1.5", "null", "true",
            "fleet.rpc/1", "fleet.rpc/",
        }.Select(Encoding.UTF8.GetBytes).Concat([[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0x00], [0xEF, 0xBB, 0xBF]]).ToArray();
        var frame = Gen.ListOf(Gen.Elements(fragments)).Select(parts => parts.SelectMany(p => p).ToArray());
        var protocol = Gen.Elements("fleet.rpc/1", "fleet.rpc/1", "fleet.rpc/2", "fleet.rpc/").Select(Encoding.ASCII.GetBytes);
        var fleet = Gen.Zip(protocol, Gen.ListOf(frame, 2)).Select(t => (List<byte[]>)[t.Item1, .. t.Item2]);
        var any = Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(frame, n)).Select(l => l.ToList());
        return Gen.OneOf(fleet, any);
    }

    private static List<byte[]> Mutate(IReadOnlyList<byte[]> frames, int frameIndex, int position, int mutation, byte value)
    {
        var copy = frames.Select(f => f.ToArray()).ToList();
        if (copy.Count == 0)
        {
            return [[value]];
        }

        var frame = copy[frameIndex].ToList();
        var at = frame.Count == 0 ? 0 : position % (frame.Count + 1);
        switch (mutation)
        {
            case 0 when at < frame.Count:
                frame[at] = value;
                break;
            case 1:
                frame.Insert(at, value);
                break;
            case 2:
                frame.RemoveRange(at, frame.Count - at);
                break;
            default:
                copy.RemoveAt(frameIndex);
                return copy;
        }

        copy[frameIndex] = [.. frame];
        return copy;
    }

    /// <summary>Reads a corpus file: one frame per line, <c>\xNN</c> a raw byte, everything else UTF-8 text.</summary>
    private static List<byte[]> ReadCorpus(string name)
    {
        var text = File.ReadAllText(Path.Combine(CorpusDirectory, name + ".frames"));
        var lines = text.Split('\n');
        var frames = new List<byte[]>();
        foreach (var line in lines.Take(text.EndsWith('\n') ? lines.Length - 1 : lines.Length))
        {
            var bytes = new List<byte>();
            for (var i = 0; i < line.Length; i++)
            {
                if (line[i] == '\\' && i + 3 < line.Length && line[i + 1] == 'x' && byte.TryParse(line.AsSpan(i + 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var raw))
                {
                    bytes.Add(raw);
                    i += 3;
                }
                else
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(line[i].ToString()));
                }
            }

            frames.Add([.. bytes]);
        }

        return frames;
    }

    private static RpcParsedRequest ParseWithinBound(IReadOnlyList<byte[]> frames)
    {
        var watch = Stopwatch.StartNew();
        var parsed = RpcWire.ParseRequest(frames, MessagingConstants.DefaultMaxMessageSize);
        Assert.True(watch.Elapsed < TimeBound, $"parsing took {watch.Elapsed} (bound {TimeBound})");
        return parsed;
    }

    /// <summary>A request (with its document), or a rejection whose reply a client reads back as that error, in the request's protocol.</summary>
    private static void AssertWellFormed(IReadOnlyList<byte[]> frames, RpcParsedRequest parsed)
    {
        var looksFleet = frames.Count > 0 && frames[0].AsSpan().StartsWith(RpcWire.ProtocolPrefix);
        if (parsed.Rejection is not { } rejection)
        {
            Assert.NotNull(parsed.Action);
            Assert.NotNull(parsed.Document);
            Assert.NotNull(parsed.Buffer);
            Assert.Equal(looksFleet, parsed.Shape == RpcShape.Fleet);
            Assert.Equal(JsonValueKind.Object, parsed.Document.RootElement.ValueKind);
            parsed.Document.Dispose();
            return;
        }

        Assert.Null(parsed.Document);
        Assert.Contains(rejection.Code, Codes);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Message));
        var reply = rejection.ReplyFrames();
        Assert.True(RpcWire.TryReadError(JsonDocument.Parse(reply[^1]).RootElement, out var code, out var message));
        Assert.Equal((rejection.Code, rejection.Message), (code, message));
        if (rejection.Shape == RpcShape.Fleet)
        {
            Assert.True(looksFleet);
            Assert.Equal(3, reply.Count);
            Assert.Equal(RpcWire.ProtocolFrame.ToArray(), reply[0]);
            var header = JsonDocument.Parse(reply[1]).RootElement;
            Assert.Equal("error", header.GetProperty("status").GetString());
            Assert.Equal(rejection.Code, header.GetProperty("error").GetString());
            Assert.Equal(rejection.Id, header.GetProperty("id").ValueKind == JsonValueKind.Null ? null : header.GetProperty("id").GetUInt64());
        }
        else
        {
            Assert.Single(reply);
        }
    }
}

namespace Fleet.Sdk.Messaging.Tests.Bridge;

/// <summary>The fencing rule as pure logic: timeouts 600 ms, beacons 100 ms, so a take-over needs 800 ms of peer silence.</summary>
public sealed class BridgeFencingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(600);
    private static readonly TimeSpan BeaconEvery = TimeSpan.FromMilliseconds(100);
    private static readonly BridgeClientHeartbeat Vote = new("c1", null, 0);

    [Fact]
    public void BothStartPassive_PrimaryLeadsWithEpochOne_BackupStaysPassive()
    {
        var primary = new BridgeFencing(BridgeRole.Primary, Timeout, BeaconEvery, 0);
        var backup = new BridgeFencing(BridgeRole.Backup, Timeout, BeaconEvery, 0);

        backup.OnPeerBeacon(Beacon(primary, "p", BridgeRole.Primary), 100);
        primary.OnPeerBeacon(Beacon(backup, "b", BridgeRole.Backup), 100);

        Assert.NotNull(primary.Evaluate(100));
        Assert.Null(backup.Evaluate(100));
        Assert.Equal((BridgeState.Active, 1L), (primary.State, primary.Epoch));
        Assert.Equal(BridgeState.Passive, backup.State);
    }

    [Fact]
    public void PrimarySilentAndAClientLostIt_BackupTakesOverWithANewerEpoch()
    {
        var backup = new BridgeFencing(BridgeRole.Backup, Timeout, BeaconEvery, 0);
        backup.OnPeerBeacon(new BridgeBeacon("p", BridgeRole.Primary, BridgeState.Active, 3), 1000);

        backup.OnClientHeartbeat(Vote, 1700);
        Assert.Null(backup.Evaluate(1700)); // silent 700 ms: not yet past 600 + 2 x 100

        backup.OnClientHeartbeat(Vote, 1800);
        var reason = backup.Evaluate(1800);

        Assert.Contains("silent for 800 ms", reason, StringComparison.Ordinal);
        Assert.Equal((BridgeState.Active, 4L), (backup.State, backup.Epoch));
    }

    [Fact]
    public void OnlyThePeerLinkIsCut_ClientsStillFollowThePrimary_BackupStaysPassive()
    {
        var backup = new BridgeFencing(BridgeRole.Backup, Timeout, BeaconEvery, 0);
        backup.OnPeerBeacon(new BridgeBeacon("p", BridgeRole.Primary, BridgeState.Active, 1), 0);

        for (var now = 100; now <= 5000; now += 100)
        {
            backup.OnClientHeartbeat(new BridgeClientHeartbeat("c1", "p", 1), now);
            Assert.Null(backup.Evaluate(now));
        }

        Assert.Equal(BridgeState.Passive, backup.State);
    }

    [Fact]
    public void ActiveCutOffFromPeerAndClients_StepsDownBeforeThePeerMayTakeOver()
    {
        var primary = new BridgeFencing(BridgeRole.Primary, Timeout, BeaconEvery, 0);
        primary.OnPeerBeacon(new BridgeBeacon("b", BridgeRole.Backup, BridgeState.Passive, 0), 0);
        primary.OnClientHeartbeat(new BridgeClientHeartbeat("c1", "p", 1), 0);
        primary.Evaluate(0);
        Assert.Equal(BridgeState.Active, primary.State);

        Assert.Null(primary.Evaluate(599));
        Assert.Contains("cut off", primary.Evaluate(600), StringComparison.Ordinal);
        Assert.Equal(BridgeState.Passive, primary.State);
        Assert.Null(primary.Evaluate(5000)); // no votes reach it: it stays passive
    }

    [Fact]
    public void PeerLostButClientsStillHere_ActiveStaysActive()
    {
        var backup = new BridgeFencing(BridgeRole.Backup, Timeout, BeaconEvery, 0);
        backup.OnPeerBeacon(new BridgeBeacon("p", BridgeRole.Primary, BridgeState.Active, 1), 0);
        backup.OnClientHeartbeat(Vote, 800);
        backup.Evaluate(800);
        Assert.Equal(BridgeState.Active, backup.State);

        for (var now = 900; now <= 5000; now += 100)
        {
            backup.OnClientHeartbeat(new BridgeClientHeartbeat("c1", "b", 2), now);
            Assert.Null(backup.Evaluate(now));
        }
    }

    [Theory]
    [InlineData(BridgeRole.Primary, 5, 4, BridgeState.Active)]
    [InlineData(BridgeRole.Primary, 4, 5, BridgeState.Passive)]
    [InlineData(BridgeRole.Backup, 5, 5, BridgeState.Passive)]
    [InlineData(BridgeRole.Primary, 5, 5, BridgeState.Active)]
    public void BothActiveAfterAHeal_NewestEpochWinsAndEqualEpochsGoToThePrimary(BridgeRole role, long ownEpoch, long peerEpoch, BridgeState expected)
    {
        var bridge = ActiveAt(role, ownEpoch);

        bridge.OnPeerBeacon(new BridgeBeacon("other", role == BridgeRole.Primary ? BridgeRole.Backup : BridgeRole.Primary, BridgeState.Active, peerEpoch), 10_000);
        bridge.OnClientHeartbeat(new BridgeClientHeartbeat("c1", "x", 1), 10_000);
        bridge.Evaluate(10_000);

        Assert.Equal(expected, bridge.State);
    }

    [Fact]
    public void JustStarted_WaitsForThePeerBeforeAnsweringAVote()
    {
        var backup = new BridgeFencing(BridgeRole.Backup, Timeout, BeaconEvery, 5000);

        backup.OnClientHeartbeat(Vote, 5100);
        Assert.Null(backup.Evaluate(5100));
        backup.OnPeerBeacon(new BridgeBeacon("p", BridgeRole.Primary, BridgeState.Active, 1), 5200);
        backup.OnClientHeartbeat(Vote, 5900);

        Assert.Null(backup.Evaluate(5900));
        Assert.Equal(BridgeState.Passive, backup.State);
    }

    private static BridgeFencing ActiveAt(BridgeRole role, long epoch)
    {
        var bridge = new BridgeFencing(role, Timeout, BeaconEvery, 0);
        bridge.OnPeerBeacon(new BridgeBeacon("seed", BridgeRole.Primary, BridgeState.Passive, epoch - 1), 0);
        bridge.OnClientHeartbeat(Vote, 1000);
        Assert.NotNull(bridge.Evaluate(1000));
        Assert.Equal(epoch, bridge.Epoch);
        return bridge;
    }

    private static BridgeBeacon Beacon(BridgeFencing fencing, string name, BridgeRole role) => new(name, role, fencing.State, fencing.Epoch);
}

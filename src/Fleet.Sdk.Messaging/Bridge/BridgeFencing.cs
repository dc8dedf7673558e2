namespace Fleet.Sdk.Messaging;

/// <summary>
/// The fencing rule of a bridge pair, as pure logic over a millisecond clock (docs/resilience.md):
/// <list type="bullet">
/// <item>A passive bridge takes over (epoch + 1) when its peer has been silent for the peer timeout
/// plus two beacon intervals <em>and</em> a client says it has lost its active bridge; or, for the
/// primary, when its live peer is passive too.</item>
/// <item>An active bridge steps down when a live peer is active with a newer epoch (equal epochs:
/// the backup yields); when a live peer is active and has said for the peer timeout that it cannot
/// hear this bridge (a one-way link: that peer will never yield, so this one does); or when it has
/// heard neither its peer nor any client for the peer timeout: it is the one cut off.</item>
/// </list>
/// The isolated side steps down two beacon intervals before the other side may take over, so a
/// split-brain attempt leaves at most one bridge active. Not thread-safe: the bridge's loop owns it.
/// </summary>
internal sealed class BridgeFencing
{
    private readonly BridgeRole _role;
    private readonly long _peerTimeoutMs;
    private readonly long _takeOverAfterMs;
    private readonly long _startedAt;
    private BridgeBeacon? _peer;
    private long _peerHeardAt = long.MinValue;
    private long _clientHeardAt = long.MinValue;
    private long _voteHeardAt = long.MinValue;
    private long _peerDeafSince = long.MinValue;

    public BridgeFencing(BridgeRole role, TimeSpan peerTimeout, TimeSpan beaconInterval, long startedAtMs)
    {
        _role = role;
        _startedAt = startedAtMs;
        _peerTimeoutMs = (long)peerTimeout.TotalMilliseconds;
        _takeOverAfterMs = _peerTimeoutMs + (2 * (long)beaconInterval.TotalMilliseconds);
    }

    public BridgeState State { get; private set; } = BridgeState.Passive;

    public long Epoch { get; private set; }

    /// <summary>Gets the last beacon heard from the peer, or <see langword="null"/>.</summary>
    public BridgeBeacon? Peer => _peer;

    /// <summary>Gets a value indicating whether the peer was heard within the peer timeout (what beacons report as <c>peerLost</c>, negated).</summary>
    /// <param name="nowMs">The clock now.</param>
    /// <returns><see langword="true"/> when the peer's last beacon is recent.</returns>
    public bool HearsPeer(long nowMs) => _peer is not null && nowMs - _peerHeardAt < _peerTimeoutMs;

    public void OnPeerBeacon(BridgeBeacon beacon, long nowMs)
    {
        _peer = beacon;
        _peerHeardAt = nowMs;

        // How long the peer has been active without hearing this bridge, beacon after beacon. Right after a heal
        // both sides briefly say so; that passes within a beacon or two, a one-way link does not.
        if (beacon.State != BridgeState.Active || !beacon.PeerLost)
        {
            _peerDeafSince = long.MinValue;
        }
        else if (_peerDeafSince == long.MinValue)
        {
            _peerDeafSince = nowMs;
        }

        if (beacon.Epoch > Epoch && State == BridgeState.Passive)
        {
            // Passive bridges follow the newest epoch so that a later take-over outranks it.
            Epoch = beacon.Epoch;
        }
    }

    public void OnClientHeartbeat(BridgeClientHeartbeat heartbeat, long nowMs)
    {
        _clientHeardAt = nowMs;
        if (heartbeat.Following is null)
        {
            _voteHeardAt = nowMs;
        }
    }

    /// <summary>Applies the rule; returns why the state changed, or <see langword="null"/> when it did not.</summary>
    public string? Evaluate(long nowMs)
    {
        // A bridge that just started counts its peer as silent since its own start, never longer.
        var peerSilentMs = nowMs - Math.Max(_peerHeardAt, _startedAt);
        var peerAlive = HearsPeer(nowMs);
        if (State == BridgeState.Passive)
        {
            if (peerAlive && _peer!.State == BridgeState.Passive && _role == BridgeRole.Primary)
            {
                return Promote("its peer is passive and the primary leads");
            }

            if (peerSilentMs >= _takeOverAfterMs && Since(_voteHeardAt, nowMs) < _peerTimeoutMs)
            {
                return Promote(_peerHeardAt == long.MinValue
                    ? "no peer has been heard and a client has no active bridge"
                    : $"its peer has been silent for {peerSilentMs} ms and a client has lost its active bridge");
            }

            return null;
        }

        if (peerAlive && _peer!.State == BridgeState.Active && (_peer.Epoch > Epoch || (_peer.Epoch == Epoch && _role == BridgeRole.Backup)))
        {
            return Demote($"its peer {_peer.Name} is active with epoch {_peer.Epoch} (own {Epoch})");
        }

        if (peerAlive && _peerDeafSince != long.MinValue && nowMs - _peerDeafSince >= _peerTimeoutMs)
        {
            return Demote($"its peer {_peer!.Name} is active and has said for {nowMs - _peerDeafSince} ms that it cannot hear this bridge (a one-way link): the peer cannot yield, so this bridge does");
        }

        if (!peerAlive && Since(Math.Max(_clientHeardAt, _startedAt), nowMs) >= _peerTimeoutMs)
        {
            return Demote($"it has heard neither its peer nor any client for {_peerTimeoutMs} ms: it is the one cut off");
        }

        return null;
    }

    private static long Since(long at, long nowMs) => at == long.MinValue ? long.MaxValue : nowMs - at;

    private string Promote(string reason)
    {
        Epoch = Math.Max(Epoch, _peer?.Epoch ?? 0) + 1;
        State = BridgeState.Active;
        return reason;
    }

    private string Demote(string reason)
    {
        State = BridgeState.Passive;
        return reason;
    }
}

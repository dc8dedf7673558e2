namespace Fleet.Sdk.Messaging;

/// <summary>The ZeroMQ socket types Fleet.Sdk supports; the values are libzmq's.</summary>
public enum ZmqSocketType
{
    /// <summary>One-to-one, both directions (used internally for signals and monitors).</summary>
    Pair = LibZmq.PAIR,

    /// <summary>Publishes to every matching subscriber; drops when a subscriber is too slow.</summary>
    Pub = LibZmq.PUB,

    /// <summary>Receives the topics it subscribed to (prefix match on the first frame).</summary>
    Sub = LibZmq.SUB,

    /// <summary>Strict send-then-receive client. Wedges when a reply is lost: prefer <see cref="Dealer"/>.</summary>
    Req = LibZmq.REQ,

    /// <summary>Strict receive-then-send server, as the legacy Python agents use.</summary>
    Rep = LibZmq.REP,

    /// <summary>Asynchronous client: any number of requests in flight, round-robin across peers.</summary>
    Dealer = LibZmq.DEALER,

    /// <summary>Asynchronous server: every message starts with the sender's routing id.</summary>
    Router = LibZmq.ROUTER,

    /// <summary>Receives from pushers, fair-queued.</summary>
    Pull = LibZmq.PULL,

    /// <summary>Distributes messages to pullers, round-robin.</summary>
    Push = LibZmq.PUSH,

    /// <summary>A publisher that also receives subscription messages.</summary>
    XPub = LibZmq.XPUB,

    /// <summary>A subscriber that sends subscriptions as messages.</summary>
    XSub = LibZmq.XSUB,
}

namespace Fleet.Sdk.Tests;

/// <summary>Scripts written the way the legacy Python agents are: pyzmq, REQ/REP, send_json/recv_json, zmq.auth.</summary>
internal static class PyZmqAgents
{
    /// <summary>Shared CURVE set-up: argv = [certificates dir or "-", role]. Servers authorise every *.key in dir/authorized.</summary>
    private const string Curve = """
        import sys, os, json, zmq, zmq.auth
        from zmq.auth.thread import ThreadAuthenticator
        ctx = zmq.Context()
        certs = sys.argv[1] if len(sys.argv) > 1 else "-"
        auth = None
        def curve_server(sock):
            global auth
            if certs == "-":
                return
            # Kept global: a collected authenticator unbinds the ZAP handler, and libzmq then admits everyone.
            auth = ThreadAuthenticator(ctx)
            auth.start()
            auth.configure_curve(domain="*", location=os.path.join(certs, "authorized"))
            pub, sec = zmq.auth.load_certificate(os.path.join(certs, "server.key_secret"))
            sock.curve_secretkey = sec
            sock.curve_publickey = pub
            sock.curve_server = True
        def curve_client(sock, name):
            if certs == "-":
                return
            pub, sec = zmq.auth.load_certificate(os.path.join(certs, name + ".key_secret"))
            server_pub, _ = zmq.auth.load_certificate(os.path.join(certs, "server.key"))
            sock.curve_secretkey = sec
            sock.curve_publickey = pub
            sock.curve_serverkey = server_pub

        """;

    /// <summary>A legacy agent: REP, answers health_check and echo. argv: certs.</summary>
    public const string RepAgent = Curve + """
        sock = ctx.socket(zmq.REP)
        curve_server(sock)
        port = sock.bind_to_random_port("tcp://127.0.0.1")
        print("READY", port, flush=True)
        while True:
            request = sock.recv_json()
            action = request.get("action")
            if action == "health_check":
                sock.send_json({"status": "ok", "agent": "python-rep"})
            elif action == "echo":
                sock.send_json(request)
            else:
                sock.send_json({"status": "error", "message": "unknown action: %s" % action})
        """;

    /// <summary>
    /// A legacy CURVE agent whose own ZAP handler refuses every client so that the client hears
    /// nothing: its reply is one libzmq cannot pass on, so the server closes the connection without
    /// an ERROR command, as libzmq sometimes does with a plain refusal (zeromq/libzmq#2705). Prints
    /// "ZAP" for each key it refuses. argv: certs.
    /// </summary>
    public const string SilentlyRefusingRepAgent = """
        import sys, os, threading, zmq, zmq.auth
        ctx = zmq.Context()
        zap = ctx.socket(zmq.REP)
        zap.bind("inproc://zeromq.zap.01")
        def refuse():
            while True:
                request = zap.recv_multipart()
                zap.send_multipart([b"1.0", request[1], b"400"])
                print("ZAP", flush=True)
        threading.Thread(target=refuse, daemon=True).start()
        sock = ctx.socket(zmq.REP)
        pub, sec = zmq.auth.load_certificate(os.path.join(sys.argv[1], "server.key_secret"))
        sock.curve_secretkey = sec
        sock.curve_publickey = pub
        sock.curve_server = True
        port = sock.bind_to_random_port("tcp://127.0.0.1")
        print("READY", port, flush=True)
        while True:
            sock.send_json(sock.recv_json())
        """;

    /// <summary>A legacy caller: REQ, send_json, recv_json with a 5 s timeout. argv: certs, client name, endpoint, request JSON.</summary>
    public const string ReqCaller = Curve + """
        sock = ctx.socket(zmq.REQ)
        sock.setsockopt(zmq.RCVTIMEO, int(os.environ.get("TIMEOUT_MS", "5000")))
        sock.setsockopt(zmq.LINGER, 0)
        curve_client(sock, sys.argv[2])
        sock.connect(sys.argv[3])
        sock.send_json(json.loads(sys.argv[4]))
        try:
            print(json.dumps(sock.recv_json()), flush=True)
        except zmq.Again:
            print("TIMEOUT", flush=True)
            sys.exit(3)
        """;

    /// <summary>A legacy caller that connects and never sends anything, until killed. argv: endpoint.</summary>
    public const string IdleReq = """
        import sys, zmq, time
        sock = zmq.Context().socket(zmq.REQ)
        sock.connect(sys.argv[1])
        print("CONNECTED", flush=True)
        time.sleep(3600)
        """;

    /// <summary>Makes server, client and stranger certificates with zmq.auth.create_certificates. argv: dir.</summary>
    public const string CreateCertificates = """
        import sys, os, zmq.auth
        for name in ("server", "client", "stranger"):
            zmq.auth.create_certificates(sys.argv[1], name)
        print(zmq.curve_public(zmq.auth.load_certificate(os.path.join(sys.argv[1], "client.key_secret"))[1]).decode(), flush=True)
        """;

    /// <summary>A legacy publisher: [topic, payload] every 20 ms, until killed. argv: certs (unused), topic.</summary>
    public const string Publisher = """
        import sys, zmq, time, json
        sock = zmq.Context().socket(zmq.PUB)
        port = sock.bind_to_random_port("tcp://127.0.0.1")
        print("READY", port, flush=True)
        n = 0
        while True:
            n += 1
            sock.send_multipart([sys.argv[1].encode(), json.dumps({"n": n}).encode()])
            time.sleep(0.02)
        """;

    /// <summary>A legacy subscriber: topic, data = recv_multipart(), prints both. argv: endpoint, topic.</summary>
    public const string Subscriber = """
        import sys, zmq
        sock = zmq.Context().socket(zmq.SUB)
        sock.setsockopt(zmq.SUBSCRIBE, sys.argv[2].encode())
        sock.connect(sys.argv[1])
        print("SUBSCRIBED", flush=True)
        topic, data = sock.recv_multipart()
        print(topic.decode(), data.decode(), flush=True)
        """;

    /// <summary>A legacy publisher that connects (as Python agents do to the bridge on port 5600) and sends [topic, json] every 20 ms. argv: endpoint, topic.</summary>
    public const string ConnectingPublisher = """
        import sys, zmq, time, json
        sock = zmq.Context().socket(zmq.PUB)
        sock.connect(sys.argv[1])
        n = 0
        while True:
            n += 1
            sock.send_multipart([sys.argv[2].encode(), json.dumps({"n": n}).encode()])
            time.sleep(0.02)
        """;
}

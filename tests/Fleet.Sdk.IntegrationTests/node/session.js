// A scripted session of the unmodified npm toxiproxy-node-client against a Toxiproxy API
// (fleet chaos serve). Usage: node session.js http://127.0.0.1:8474
// Prints "SESSION OK" and exits 0 when every step behaved as Toxiproxy does; exits 1 otherwise.
"use strict";
const assert = require("node:assert/strict");
const net = require("node:net");
const { Toxiproxy, ToxiproxyError } = require("toxiproxy-node-client");

const api = process.argv[2].replace(/\/$/, "");
const toxiproxy = new Toxiproxy(api);

function step(name) {
  console.log(`- ${name}`);
}

// An echo server the proxies forward to.
function startEcho() {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => socket.pipe(socket));
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

function roundTrip(listen, payload = "ping") {
  const [host, port] = [listen.slice(0, listen.lastIndexOf(":")), Number(listen.slice(listen.lastIndexOf(":") + 1))];
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, host, () => socket.write(payload));
    let received = "";
    socket.setTimeout(5000, () => { socket.destroy(); reject(new Error(`no echo from ${listen} within 5 s`)); });
    socket.on("data", (chunk) => {
      received += chunk.toString();
      if (received.length >= payload.length) {
        socket.destroy();
        resolve({ data: received, ms: Date.now() - started });
      }
    });
    socket.on("error", reject);
  });
}

async function refused(listen) {
  try {
    await roundTrip(listen);
    return false;
  } catch (error) {
    return error.code === "ECONNREFUSED";
  }
}

async function rejects(promise, status) {
  await assert.rejects(promise, (error) => error instanceof ToxiproxyError && error.message.includes(String(status)));
}

async function main() {
  const echo = await startEcho();
  const upstream = `127.0.0.1:${echo.address().port}`;
  try {
    step("version");
    assert.match(await toxiproxy.getVersion(), /2\.12\.0/);

    step("create");
    const proxy = await toxiproxy.createProxy({ name: "session", listen: "127.0.0.1:0", upstream });
    assert.equal(proxy.name, "session");
    assert.equal(proxy.enabled, true);
    assert.notEqual(proxy.listen, "127.0.0.1:0");
    assert.equal((await roundTrip(proxy.listen)).data, "ping");
    await rejects(toxiproxy.createProxy({ name: "session", listen: "127.0.0.1:0", upstream }), 409);

    step("toxics: add latency");
    const latency = await proxy.addToxic({ type: "latency", stream: "downstream", toxicity: 1, attributes: { latency: 300, jitter: 0 } });
    assert.equal(latency.name, "latency_downstream");
    assert.deepEqual(latency.attributes, { latency: 300, jitter: 0 });
    const slow = await roundTrip(proxy.listen);
    assert.ok(slow.ms >= 280, `round trip with 300 ms latency took ${slow.ms} ms`);
    await rejects(proxy.addToxic({ name: "latency_downstream", type: "latency", stream: "upstream", attributes: {} }), 409);
    await rejects(proxy.addToxic({ type: "nonsense", stream: "downstream", attributes: {} }), 400);

    step("toxics: get and update");
    const fetched = await proxy.getToxic("latency_downstream");
    assert.deepEqual(fetched.toJson(), latency.toJson());
    const updated = await latency.update({ attributes: { jitter: 10 } });
    assert.deepEqual(updated.attributes, { latency: 300, jitter: 10 });
    assert.equal(updated.toxicity, 1);
    await updated.update({ attributes: { latency: 0, jitter: 0 }, toxicity: 1 });
    assert.ok((await roundTrip(proxy.listen)).ms < 250);

    step("toxics: limit_data and remove");
    const limit = await proxy.addToxic({ type: "limit_data", stream: "upstream", attributes: { bytes: 2 } });
    assert.equal(limit.stream, "upstream");
    await limit.remove();
    await rejects(proxy.getToxic("limit_data_upstream"), 404);

    step("update: disable and enable");
    const disabled = await proxy.update({ enabled: false });
    assert.equal(disabled.enabled, false);
    assert.ok(await refused(proxy.listen), "a disabled proxy must refuse connections");
    const enabled = await disabled.update({ enabled: true });
    assert.equal(enabled.listen, proxy.listen);
    assert.equal((await roundTrip(enabled.listen)).data, "ping");

    step("populate");
    const populated = await toxiproxy.populate([
      { name: "session", listen: proxy.listen, upstream },
      { name: "second", listen: "127.0.0.1:0", upstream },
    ]);
    assert.deepEqual(Object.keys(populated).sort(), ["second", "session"]);
    assert.equal((await roundTrip(populated.second.listen)).data, "ping");
    assert.equal((await toxiproxy.get("session")).listen, proxy.listen);

    step("reset");
    await populated.second.addToxic({ type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
    await populated.second.update({ enabled: false });
    await toxiproxy.reset();
    const all = await toxiproxy.getAll();
    assert.deepEqual(Object.keys(all).sort(), ["second", "session"]);
    assert.ok(Object.values(all).every((p) => p.enabled), "reset must enable every proxy");
    const raw = await (await fetch(`${api}/proxies/second/toxics`)).json();
    assert.deepEqual(raw, []);
    assert.equal((await roundTrip(all.second.listen)).data, "ping");

    step("delete");
    await all.second.remove();
    await all.session.remove();
    await rejects(toxiproxy.get("session"), 404);
    assert.deepEqual(await toxiproxy.getAll(), {});
    assert.ok(await refused(proxy.listen));

    console.log("SESSION OK");
  } finally {
    echo.close();
  }
}

main().catch((error) => {
  console.error(`SESSION FAILED: ${error.stack || error}`);
  process.exit(1);
});

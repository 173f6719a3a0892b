// kvdb-server driven by ioredis (pinned in package.json), with node's own test runner.
//
// One server for the file: the kvdb-server binary at $KVDB_SERVER_BIN (default
// target/debug/kvdb-server), started on a free port; with KVDB_TEST_AGAINST_REDIS=1 a
// real redis-server instead, to check the tests themselves. Each test uses its own
// database. Run: `npm ci && node --test` here, or scripts/test.sh.

"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const net = require("node:net");
const os = require("node:os");
const fs = require("node:fs");
const path = require("node:path");
const Redis = require("ioredis");

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const LISTENING_PREFIX = "kvdb listening on ";
const STARTUP_TIMEOUT_MS = 30_000;

let server;
let port;
const clients = [];

// Runs the server under a small shell that stops it when our end of its stdin pipe
// closes: after the tests, or when this process dies however it dies.
const WRAPPER = `"$@" </dev/null &
pid=$!
read -r _ignored
kill "$pid" 2>/dev/null
wait "$pid"`;

function spawnWrapped(binary, args) {
  return spawn("sh", ["-c", WRAPPER, "sh", binary, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** A port that was free on 127.0.0.1 a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port: found } = probe.address();
      probe.close(() => resolve(found));
    });
  });
}

/** Starts kvdb-server (or redis-server) and resolves with its port. */
async function startServer() {
  const againstRedis = !["", "0", "false", "no"].includes(
    (process.env.KVDB_TEST_AGAINST_REDIS || "").trim().toLowerCase(),
  );
  if (againstRedis) {
    const redisPort = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kvdb-node-redis-"));
    server = spawnWrapped("redis-server", [
      "--port",
      String(redisPort),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
    ]);
    await waitFor(() => canConnect(redisPort), "redis-server to accept connections");
    return redisPort;
  }
  const binary =
    process.env.KVDB_SERVER_BIN || path.join(REPO_ROOT, "target", "debug", "kvdb-server");
  // No save points: the suite leaves no dump.rdb behind to be loaded next time.
  server = spawnWrapped(binary, ["--port", "0", "--bind", "127.0.0.1", "--save", ""]);
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`kvdb-server did not start: ${seen}`)),
      STARTUP_TIMEOUT_MS,
    );
    const look = (chunk) => {
      seen += chunk.toString();
      const line = seen.split("\n").find((l) => l.startsWith(LISTENING_PREFIX));
      if (line) {
        clearTimeout(timer);
        resolve(Number(line.trim().split(":").pop()));
      }
    };
    server.stdout.on("data", look);
    server.stderr.on("data", look);
    server.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`kvdb-server exited with ${code}: ${seen}`));
    });
  });
}

function canConnect(target) {
  return new Promise((resolve) => {
    const socket = net.connect(target, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitFor(check, what) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A client on database `db`, flushed first, closed after the file's tests. */
async function client(db, options = {}) {
  const c = new Redis({ host: "127.0.0.1", port, db, maxRetriesPerRequest: 1, ...options });
  clients.push(c);
  await c.flushdb();
  return c;
}

before(async () => {
  port = await startServer();
});

after(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  if (server) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.stdin.end();
    await exited;
  }
});

test("connects through the ready check (INFO) and selects its database", async () => {
  const r = await client(1);
  assert.equal(r.status, "ready");
  const info = await r.info("server");
  assert.match(info, /redis_version:7\.0\.15/);
  assert.equal(typeof (await r.client("ID")), "number");
  assert.match(await r.client("INFO"), / db=1 /);
});

test("strings, counters and TTLs", async () => {
  const r = await client(2);
  assert.equal(await r.set("k", "v"), "OK");
  assert.equal(await r.get("k"), "v");
  assert.equal(await r.get("missing"), null);
  assert.equal(await r.incrby("n", 5), 5);
  assert.equal(await r.set("t", "x", "EX", 100), "OK");
  assert.ok((await r.ttl("t")) > 90);
  assert.deepEqual(await r.mget("k", "missing", "n"), ["v", null, "5"]);
  await assert.rejects(r.incr("k"), /ERR value is not an integer or out of range/);
});

test("hashes come back as objects, sets and lists as arrays", async () => {
  const r = await client(3);
  await r.hset("h", { a: "1", b: "2" });
  assert.deepEqual(await r.hgetall("h"), { a: "1", b: "2" });
  await r.rpush("l", "x", "y", "z");
  assert.deepEqual(await r.lrange("l", 0, -1), ["x", "y", "z"]);
  await r.sadd("s", "1", "2", "3");
  assert.deepEqual((await r.smembers("s")).sort(), ["1", "2", "3"]);
});

test("a pipeline sends everything, then reads every reply in order", async () => {
  const r = await client(4);
  const results = await r.pipeline().set("p", "1").incr("p").get("p").lpop("p").exec();
  assert.deepEqual(results.slice(0, 3), [
    [null, "OK"],
    [null, 2],
    [null, "2"],
  ]);
  assert.match(results[3][0].message, /^WRONGTYPE/);
});

test("MULTI/EXEC: replies of the transaction, and EXECABORT after a queueing error", async () => {
  const r = await client(5);
  assert.deepEqual(await r.multi().set("m", "1").incr("m").exec(), [
    [null, "OK"],
    [null, 2],
  ]);
  await assert.rejects(
    r.multi().set("m", "1").call("NOSUCHCOMMAND").exec(),
    /EXECABORT Transaction discarded because of previous errors/,
  );
  const watcher = await client(5);
  await watcher.watch("m");
  await r.set("m", "changed");
  assert.equal(await watcher.multi().incr("m").exec(), null);
});

test("pub/sub: messages and pattern messages reach a subscriber", async () => {
  const publisher = await client(6);
  const subscriber = await client(6);
  const received = [];
  const both = new Promise((resolve) => {
    subscriber.on("message", (channel, message) => {
      received.push(["message", channel, message]);
      if (received.length === 2) resolve();
    });
    subscriber.on("pmessage", (pattern, channel, message) => {
      received.push(["pmessage", pattern, channel, message]);
      if (received.length === 2) resolve();
    });
  });
  assert.equal(await subscriber.subscribe("news"), 1);
  assert.equal(await subscriber.psubscribe("ne*"), 2);
  assert.equal(await publisher.publish("news", "hello"), 2);
  await both;
  assert.deepEqual(
    received.sort(),
    [
      ["message", "news", "hello"],
      ["pmessage", "ne*", "news", "hello"],
    ].sort(),
  );
  assert.deepEqual(await publisher.pubsub("NUMSUB", "news"), ["news", 1]);
  // (ioredis waits forever on an argument-less UNSUBSCRIBE while patterns remain,
  // against Redis too: name what to leave.)
  assert.equal(await subscriber.unsubscribe("news"), 1);
  assert.equal(await subscriber.punsubscribe("ne*"), 0);
});

test("defineCommand: EVALSHA, loading the script with EVAL on NOSCRIPT", async () => {
  const r = await client(7);
  r.defineCommand("incrTwice", {
    numberOfKeys: 1,
    lua: "redis.call('INCRBY', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[1], ARGV[1])",
  });
  await r.script("FLUSH");
  assert.equal(await r.incrTwice("c", 2), 4);
  assert.equal(await r.incrTwice("c", 3), 10);
  const sha = require("node:crypto")
    .createHash("sha1")
    .update("redis.call('INCRBY', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[1], ARGV[1])")
    .digest("hex");
  assert.deepEqual(await r.script("EXISTS", sha), [1]);
  assert.equal(await r.evalsha(sha, 1, "c", 1), 12);
});

test("scanStream walks every key once", async () => {
  const r = await client(8);
  const pipeline = r.pipeline();
  for (let i = 0; i < 500; i++) pipeline.set(`key:${i}`, i);
  await pipeline.exec();
  const seen = new Set();
  for await (const keys of r.scanStream({ match: "key:*", count: 50 })) {
    for (const key of keys) seen.add(key);
  }
  assert.equal(seen.size, 500);
});

// The figures of environments served from their own objects (EnvironmentStore): one hot environment under rising
// concurrency, the first request to objects after a restart, what a transfer calls, and what an object stores.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import autocannon from "autocannon";
import { call } from "./client.mjs";
import { bytesOnDisk, objectFiles } from "./object-seed.mjs";

/** Concurrency levels for the hot environment, each held this long; the first that fails ends the climb. */
const HOT_LEVELS = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const HOT_P99_LIMIT_MS = 1000;
const DRAIN_MS = 2000;

/**
 * One environment under rising concurrency: reads (`GET path`) or writes (POST /user_management/users, each a new
 * user with its event and counter, in the object's one transaction). Each level runs `seconds`; the climb stops at
 * the first level with an error, a non-2xx answer or a p99 over 1 s. Returns every level run.
 */
export async function measureHot({ url, key, kind, readPath, seconds }) {
  // What an earlier load left queued (the read climb ends past what the server keeps up with) drains first.
  await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
  const levels = [];
  let made = 0;
  const run = `${Date.now().toString(36)}`;
  for (const connections of HOT_LEVELS) {
    const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
    const options =
      kind === "read"
        ? { url: `${url}${readPath}`, headers }
        : {
            url,
            headers,
            requests: [
              {
                method: "POST",
                path: "/user_management/users",
                setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: `hot-${run}-${made++}@bench.test` }) }),
              },
            ],
          };
    const result = await autocannon({ ...options, connections, duration: seconds, timeout: 10 });
    const level = {
      connections,
      rps: result.requests.total / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      failures: result.non2xx + result.errors + result.timeouts,
      statuses: Object.fromEntries(
        Object.entries(result.statusCodeStats ?? {})
          .filter(([status]) => !status.startsWith("2"))
          .map(([s, v]) => [s, v.count]),
      ),
    };
    level.answered = result.requests.total;
    // A level where nothing came back within its time did not hold either (its latencies read 0).
    level.held = level.failures === 0 && level.answered > 0 && level.p99 <= HOT_P99_LIMIT_MS;
    levels.push(level);
    console.log(
      `Hot ${kind}s: ${connections} connections ${level.rps.toFixed(0)}/s p50 ${level.p50} ms p99 ${level.p99} ms, ${level.failures} failures`,
    );
    if (!level.held) break;
    // The requests the server still holds from this level drain before the next one starts.
    await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
  }
  return { kind, seconds, levels, lastHeld: levels.filter((l) => l.held).at(-1) };
}

/**
 * The first request to each of `keys`' objects after the server started (nothing has reached them yet: a restart
 * evicts every object), one at a time, then a second one to each (warm). The Worker itself is warmed first by
 * `warmUp` (a request to an environment in D1), so that only the object is cold. `d1Keys`, keys of environments
 * left in D1 not used yet, give the baseline: a first request whose key lookup is as cold, with no object.
 */
export async function measureCold({ url, keys, d1Keys, path, warmUp }) {
  for (let i = 0; i < 3; i++) await warmUp();
  const once = async (list) => {
    const samples = [];
    for (const key of list) {
      const res = await call(url, path, { headers: { Authorization: `Bearer ${key}` } });
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.text}`);
      samples.push(res.ms);
    }
    return samples;
  };
  // The baseline first, so that the objects' first requests are not the very first after the restart.
  const d1First = await once(d1Keys);
  const cold = await once(keys);
  const warm = await once(keys);
  return { path, n: keys.length, d1First: percentiles(d1First), cold: percentiles(cold), warm: percentiles(warm) };
}

export function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: at(50), p90: at(90), p99: at(99), max: sorted.at(-1) };
}

/** The lines store-entry.ts logs for the objects: one per RPC received (`call`) and per object constructed. */
export function storeLogLines(logFile) {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, "utf8")
    .split("\n")
    .filter((line) => /bench-store (call|constructed)/.test(line));
}

/** What the log says objects received between two readings of it. */
export function storeActivity(before, after) {
  const lines = after.slice(before.length);
  return {
    calls: lines.filter((l) => l.includes("bench-store call")).length,
    constructed: lines.filter((l) => l.includes("bench-store constructed")).length,
    lines,
  };
}

/** Bytes of a table and its indexes, and its rows (every environment's in the file), in a SQLite file (dbstat). */
function tableBytes(file, table) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const { bytes } = db
      .prepare("SELECT sum(pgsize) AS bytes FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name = ?)")
      .get(table);
    const { rows } = db.prepare(`SELECT count(*) AS rows FROM "${table}"`).get();
    const { pageSize } = db.prepare("SELECT page_size AS pageSize FROM pragma_page_size").get();
    return { bytes, rows, pageSize };
  } finally {
    db.close();
  }
}

/**
 * Storage per user: the `users` table and its indexes (dbstat pages) over its rows, in D1's file (the D1
 * environment's users, and the few of the environment the bench moves) and in the object's; and each file whole.
 * Read from files, with no server running.
 */
export function measureStorage({ d1File, objectFile }) {
  const d1 = tableBytes(d1File, "users");
  const object = tableBytes(objectFile, "users");
  return {
    d1: { ...d1, perUser: d1.bytes / d1.rows, fileBytes: bytesOnDisk(d1File) },
    object: { ...object, perUser: object.bytes / object.rows, fileBytes: bytesOnDisk(objectFile) },
  };
}

/** The objects' files under `dir` not in `before` (by path), with what each holds. */
export function newObjectFiles(dir, before) {
  const known = new Set(before.map((f) => f.file));
  return objectFiles(dir).filter((f) => !known.has(f.file));
}

/**
 * Moves one environment from D1 into its object with `npm run migrate:environments -- --url … --environment <id>`
 * against the bench's server (the script drives the operator's route, `POST /operator/environments/:id/move`, one
 * bounded step per call), while a writer creates a user in it every ~20 ms: how long its writes were refused (first
 * 503 `environment_migrating` to the first write accepted after the last one), as the writer saw it and as the move
 * reports it (`writes_refused_ms`), and each table's counts and checksums (the move's progress once done).
 */
export async function measureMove({ url, operatorToken, environmentId, key, repoRoot }) {
  const operator = { Authorization: `Bearer ${operatorToken}` };
  const writes = [];
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      const sent = performance.now();
      const res = await call(url, "/user_management/users", {
        method: "POST",
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: JSON.stringify({ email: `moving-${Date.now().toString(36)}-${i}@bench.test` }),
      });
      const body = res.status === 503 ? safeJson(res.text) : undefined;
      writes.push({ sent, status: res.status, code: body?.error?.code ?? body?.code });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const started = performance.now();
  let script;
  try {
    script = await runScript(
      ["run", "-s", "migrate:environments", "--", "--url", url, "--environment", environmentId],
      { ...process.env, OPERATOR_TOKEN: operatorToken },
      repoRoot,
    );
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 500));
    writing = false;
    await writer;
  }
  const seconds = (performance.now() - started) / 1000;
  const res = await call(url, `/operator/environments/${environmentId}/move`, { headers: operator });
  const progress = res.status === 200 ? res.json() : undefined;
  const refused = writes.filter((w) => w.status === 503);
  const lastRefused = refused.at(-1);
  const acceptedAfter = lastRefused && writes.find((w) => w.sent > lastRefused.sent && w.status === 201);
  return {
    command: `npm run migrate:environments -- --url <the bench's server> --environment ${environmentId}`,
    exitCode: script.code,
    output: script.output.trim().split("\n").slice(-12),
    seconds,
    phase: progress?.phase,
    done: progress?.done,
    dataLocation: progress?.data_location,
    reportedRefusedMs: progress?.writes_refused_ms ?? null,
    writes: writes.length,
    refused: refused.length,
    refusedCodes: [...new Set(refused.map((w) => w.code))],
    otherFailures: writes.filter((w) => w.status !== 201 && w.status !== 503).length,
    observedRefusedMs: refused.length && acceptedAfter ? acceptedAfter.sent - refused[0].sent : null,
    tables: progress?.tables ?? [],
  };
}

/** Runs `npm …` in `cwd`; resolves with its exit code and its output (stdout and stderr). */
function runScript(args, env, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

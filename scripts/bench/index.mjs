#!/usr/bin/env node
// `npm run bench`: seeds a local D1 at scale, serves it with `wrangler dev`, and reports rows read per
// request, a transfer's rows written, the coordinator's latency under concurrency, and throughput against
// a bare Worker; and, side by side, the same environment served from its own object (EnvironmentStore): rows read
// in the object, requests/s against D1, a hot environment, a transfer's object calls, cold objects, storage.
// Options: BENCH_SCALE=full|small (small = 1/100), BENCH_SECONDS (per throughput comparison), BENCH_HOT_SECONDS
// (per concurrency level of the hot environment).
// Not part of `npm test`. Every process it starts is stopped at the end, also on error or Ctrl-C.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { call, dashboard, environmentApi, platformApi } from "./client.mjs";
import { createFixtures } from "./fixtures.mjs";
import { ensureObjectsSeeded, OBJECT_SEED_VERSION, objectFiles, objectRows } from "./object-seed.mjs";
import {
  measureCold,
  measureHot,
  measureMove,
  measureStorage,
  newObjectFiles,
  storeActivity,
  storeLogLines,
} from "./objects.mjs";
import { renderReport } from "./report.mjs";
import { renderObjectReport } from "./report-objects.mjs";
import { sectionOf, withSection } from "./results-file.mjs";
import { measureObjectRowsRead, measureRowsRead } from "./rows-read.mjs";
import { ensureSeeded, namedRows, sqliteFileOf } from "./seed.mjs";
import { benchConfig, startWorker } from "./servers.mjs";
import { comparisons, measureSideBySide, measureThroughput, objectComparisons } from "./throughput.mjs";
import { measureCoordinator, measureTransfer } from "./writes.mjs";

const HERE = import.meta.dirname;
const REPO = path.resolve(HERE, "../..");
const WORK = path.join(REPO, ".wrangler", "bench");
const SCALE = process.env.BENCH_SCALE ?? "full";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const HOT_SECONDS = Number(process.env.BENCH_HOT_SECONDS ?? 5);
// The operator's token of the bench's own server (the move's route); a fresh one per run.
const OPERATOR_TOKEN = randomBytes(24).toString("base64url");
// The platform client the bench signs in as; the seeded team is owned by it.
const CLIENT = { id: "client_bench", secret: "secret_bench_local_only" };
const CLIENT_VARS = { PLATFORM_CLIENT_ID: CLIENT.id, PLATFORM_CLIENT_SECRET: CLIENT.secret };

const running = new Set();
async function start(options) {
  // Known from its spawn: Ctrl-C while it starts stops it too.
  return startWorker({ logDir: WORK, ...options, onSpawn: (worker) => running.add(worker) });
}
async function stop(worker) {
  running.delete(worker);
  await worker.stop();
}
const stopAll = () => Promise.all([...running].map(stop));

// On Ctrl-C the servers go first; the requests they were answering then fail, which is no news.
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"])
  process.once(signal, () => {
    interrupted = true;
    stopAll().finally(() => process.exit(130));
  });

async function main() {
  const seed = path.join(REPO, ".wrangler", "bench-seed", SCALE);
  const manifestPath = path.join(seed, "bench-seed.json");
  const config = benchConfig(path.join(REPO, "wrangler.toml"), path.join(WORK, "app", "wrangler.toml"));
  // The same app, its objects logging each RPC they receive, and a route for their size (store-entry.ts): for the
  // metered figures only, never for throughput.
  const storeConfig = benchConfig(path.join(REPO, "wrangler.toml"), path.join(WORK, "store", "wrangler.toml"), {
    main: path.join(HERE, "store-entry.ts"),
  });
  const bareConfig = benchConfig(path.join(HERE, "bare-wrangler.toml"), path.join(WORK, "bare", "wrangler.toml"));
  let manifest = ensureSeeded({ dir: seed, scale: SCALE, clientId: CLIENT.id, repoRoot: REPO });
  if (manifest.objects && manifest.objects.version !== OBJECT_SEED_VERSION) {
    // The object part changed D1 too (keys, data_location): the whole seed is made again.
    rmSync(seed, { recursive: true, force: true });
    manifest = ensureSeeded({ dir: seed, scale: SCALE, clientId: CLIENT.id, repoRoot: REPO });
  }
  const objects = await ensureObjectsSeeded({
    dir: seed,
    manifest,
    manifestPath,
    start,
    stop,
    configPath: config,
    clientVars: CLIENT_VARS,
  });
  // Every run starts from the pristine seed: the bench's own transfers change the data.
  const state = path.join(WORK, "state");
  rmSync(state, { recursive: true, force: true });
  cpSync(seed, state, { recursive: true });
  const sqliteFile = sqliteFileOf(state);
  const r = namedRows(manifest);
  const o = objectRows(manifest);

  console.log("Storage, from the files…");
  const storage = measureStorage({
    d1File: sqliteFile,
    objectFile: path.join(state, objects.objectFile),
  });
  storage.oneEndpointObjectBytes = objectFiles(state).find((f) => f.environmentId === o.cold[0])?.bytes;

  console.log("Serving the app with DB_METRICS=1…");
  const metered = await start({
    name: "app-metered",
    configPath: storeConfig,
    persistTo: state,
    vars: { ...CLIENT_VARS, DB_METRICS: "1" },
  });
  const meteredLog = path.join(WORK, "app-metered.log");
  const platform = await platformApi(metered.url, CLIENT.id, CLIENT.secret);
  const environment = environmentApi(metered.url, r.apiKey);
  const objectEnvironment = environmentApi(metered.url, objects.keys.object);

  console.log("Transfers: k=1 (the big environment) and k=2…");
  const transfers = [
    await measureTransfer(platform, r.team, r.project(0), [r.bigEnvironment], sqliteFile),
    await measureTransfer(platform, r.team, r.project(2), [r.environment(2, 1), r.environment(2, 2)], sqliteFile),
  ];
  const fixtures = await createFixtures(platform, environment, r.team, transfers[0].projectId);

  console.log("Rows read per request…");
  const surfaces = { platform, environment, dashboard: await dashboard(metered.url, CLIENT.id, CLIENT.secret) };
  const rows = await measureRowsRead(surfaces, r, fixtures, REPO);

  // Once the figures above are taken (a new project would change the dashboard's), the object environment joins the
  // D1 environment's project, whose configuration (a flag, an Audit Log schema) both then read alike.
  console.log("Transfer of the object environment, then rows read in its object…");
  const logBefore = storeLogLines(meteredLog);
  const objectTransfer = await measureTransfer(platform, r.team, r.project(0), [o.object], sqliteFile, fixtures.bigProject);
  // Anything the coordinator would do after answering (its alarm) has time to show in the log.
  await sleep(3000);
  objectTransfer.activity = storeActivity(logBefore, storeLogLines(meteredLog));
  const objectRowsRead = await measureObjectRowsRead(objectEnvironment, r, {
    ...fixtures,
    webhookEndpoint: objects.objectWebhookEndpoint,
  });

  console.log("An environment only read…");
  const empty = await measureEmpty(metered.url, state, objects.keys.empty);
  storage.empty = empty;
  storage.databaseSize = {
    object: await storeSize(metered.url, o.object),
    oneEndpoint: await storeSize(metered.url, o.cold[0]),
  };

  console.log("Coordinator latency…");
  const coordinator = await measureCoordinator(platform, r.team, r.project(1), (position) => r.environment(1, position));
  await stop(metered);

  console.log(`Throughput (${SECONDS} s per side)…`);
  const [app, bare] = await Promise.all([
    start({
      name: "app",
      configPath: config,
      persistTo: state,
      vars: { ...CLIENT_VARS, DB_METRICS: "0", OPERATOR_TOKEN },
    }),
    start({ name: "bare", configPath: bareConfig, persistTo: state }),
  ]);
  console.log(`Cold objects: the first request to ${o.cold.length} objects after the restart…`);
  const d1Read = () => call(app.url, `/user_management/users/${r.user(9)}`, { headers: environment.headers });
  const cold = await measureCold({
    url: app.url,
    keys: objects.keys.cold,
    d1Keys: objects.keys.d1Cold,
    path: "/webhook_endpoints",
    warmUp: d1Read,
  });
  const bigFirst = await call(app.url, `/user_management/users/${r.user(9)}`, {
    headers: { Authorization: `Bearer ${objects.keys.object}` },
  });
  cold.bigObject = { status: bigFirst.status, ms: bigFirst.ms, users: objects.copied.users };

  const loadAverage = loadavg();
  const throughput = await measureThroughput(comparisons(r, app, bare, platform, environment), SECONDS);
  await stop(bare);

  console.log(`Object vs D1 (${SECONDS} s per side)…`);
  const objectLoadAverage = loadavg();
  const sideBySide = await measureSideBySide(objectComparisons(r, app, r.apiKey, objects.keys.object), SECONDS);

  console.log(`One hot environment in its object (${HOT_SECONDS} s per level)…`);
  const hot = {
    reads: await measureHot({
      url: app.url,
      key: objects.keys.object,
      kind: "read",
      readPath: `/user_management/users/${r.user(9)}`,
      seconds: HOT_SECONDS,
    }),
    writes: await measureHot({ url: app.url, key: objects.keys.object, kind: "write", seconds: HOT_SECONDS }),
  };

  // The move needs `npm run migrate:environments` (and its operator route); a checkout without it reports the figure as not measured.
  let move = { skipped: "`npm run migrate:environments` (scripts/migrate-environments.mjs) is not in this checkout" };
  if (existsSync(path.join(REPO, "scripts", "migrate-environments.mjs"))) {
    console.log(`The move: ${n(objects.moveUsers)} users from D1 into their object, with a writer running…`);
    move = await measureMove({
      url: app.url,
      operatorToken: OPERATOR_TOKEN,
      environmentId: o.move,
      key: objects.keys.move,
      repoRoot: REPO,
    });
    move.users = objects.moveUsers;
  }

  const report = [
    renderReport({ manifest, seconds: SECONDS, loadAverage, rows, transfers, coordinator, throughput }),
    renderObjectReport({
      manifest,
      objects,
      seconds: SECONDS,
      hotSeconds: HOT_SECONDS,
      loadAverage: objectLoadAverage,
      rows,
      objectRowsRead,
      sideBySide,
      hot,
      transfer: objectTransfer,
      cold,
      storage,
      move,
      checkout: checkoutOf(REPO),
    }),
  ].join("\n");
  console.log(`\n${report}`);
  // The sign-in figures (`npm run bench:sign-in`) share the file: kept as they are.
  const file = path.join(HERE, "RESULTS.md");
  const signIn = existsSync(file) ? sectionOf(readFileSync(file, "utf8"), "## Sign-in") : "";
  writeFileSync(file, signIn ? withSection(report, "## Sign-in", signIn) : report);
}

const n = (value) => value.toLocaleString("en-US");

/** The commit the figures come from, and whether the working tree differed from it. */
function checkoutOf(repo) {
  const git = (...args) => spawnSync("git", args, { cwd: repo, encoding: "utf8" }).stdout?.trim() ?? "";
  return {
    commit: git("rev-parse", "--short", "HEAD") || "unknown",
    modified: git("status", "--porcelain", "--untracked-files=no") !== "",
  };
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads an environment whose data is in its object and which was never written: which object files exist
 * afterwards that did not before (an object only read should hold nothing).
 */
async function measureEmpty(url, state, key) {
  const before = objectFiles(state);
  const paths = ["/user_management/users", "/organizations", "/events", "/webhook_endpoints"];
  const answers = [];
  for (const p of paths) {
    const res = await call(url, p, { headers: { Authorization: `Bearer ${key}` } });
    const returned = res.status === 200 ? res.json().data.length : null;
    answers.push({ path: p, status: res.status, returned, storeRowsRead: res.storeRowsRead });
  }
  await sleep(1000);
  const created = newObjectFiles(state, before);
  return {
    answers,
    filesCreated: created.length,
    bytesCreated: created.reduce((n, f) => n + f.bytes, 0),
    // What the object itself stored there (Miniflare's own bookkeeping table left out).
    tablesCreated: created.flatMap((f) => f.tables),
    kvEntries: created.reduce((n, f) => n + f.kvEntries, 0),
  };
}

/** An object's SQLite size as the runtime reports it (`ctx.storage.sql.databaseSize`, store-entry.ts's bench route). */
async function storeSize(url, environmentId) {
  const res = await call(url, `/__bench/store-size/${environmentId}`);
  return res.status === 200 ? res.json().bytes : null;
}

try {
  await main();
} catch (err) {
  if (!interrupted) console.error(err);
  process.exitCode = 1;
} finally {
  await stopAll();
}

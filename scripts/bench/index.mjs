#!/usr/bin/env node
// `npm run bench`: seeds a local D1 at scale, serves it with `wrangler dev`, and reports rows read per
// request, a transfer's rows written, the coordinator's latency under concurrency, and throughput against
// a bare Worker. Options: BENCH_SCALE=full|small (small = 1/100), BENCH_SECONDS (per throughput comparison).
// Not part of `npm test`. Every process it starts is stopped at the end, also on error or Ctrl-C.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { dashboard, environmentApi, platformApi } from "./client.mjs";
import { createFixtures } from "./fixtures.mjs";
import { renderReport } from "./report.mjs";
import { sectionOf, withSection } from "./results-file.mjs";
import { measureRowsRead } from "./rows-read.mjs";
import { ensureSeeded, namedRows, sqliteFileOf } from "./seed.mjs";
import { benchConfig, startWorker } from "./servers.mjs";
import { comparisons, measureThroughput } from "./throughput.mjs";
import { measureCoordinator, measureTransfer } from "./writes.mjs";

const HERE = import.meta.dirname;
const REPO = path.resolve(HERE, "../..");
const WORK = path.join(REPO, ".wrangler", "bench");
const SCALE = process.env.BENCH_SCALE ?? "full";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
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
  const manifest = ensureSeeded({ dir: seed, scale: SCALE, clientId: CLIENT.id, repoRoot: REPO });
  // Every run starts from the pristine seed: the bench's own transfers change the data.
  const state = path.join(WORK, "state");
  rmSync(state, { recursive: true, force: true });
  cpSync(seed, state, { recursive: true });
  const sqliteFile = sqliteFileOf(state);
  const r = namedRows(manifest);
  const config = benchConfig(path.join(REPO, "wrangler.toml"), path.join(WORK, "app", "wrangler.toml"));
  const bareConfig = benchConfig(path.join(HERE, "bare-wrangler.toml"), path.join(WORK, "bare", "wrangler.toml"));

  console.log("Serving the app with DB_METRICS=1…");
  const metered = await start({
    name: "app-metered",
    configPath: config,
    persistTo: state,
    vars: { ...CLIENT_VARS, DB_METRICS: "1" },
  });
  const platform = await platformApi(metered.url, CLIENT.id, CLIENT.secret);
  const environment = environmentApi(metered.url, r.apiKey);

  console.log("Transfers: k=1 (the big environment) and k=2…");
  const transfers = [
    await measureTransfer(platform, r.team, r.project(0), [r.bigEnvironment], sqliteFile),
    await measureTransfer(platform, r.team, r.project(2), [r.environment(2, 1), r.environment(2, 2)], sqliteFile),
  ];
  const fixtures = await createFixtures(platform, environment, r.team, transfers[0].projectId);

  console.log("Rows read per request…");
  const surfaces = { platform, environment, dashboard: await dashboard(metered.url, CLIENT.id, CLIENT.secret) };
  const rows = await measureRowsRead(surfaces, r, fixtures, REPO);

  console.log("Coordinator latency…");
  const coordinator = await measureCoordinator(platform, r.team, r.project(1), (position) => r.environment(1, position));
  await stop(metered);

  console.log(`Throughput (${SECONDS} s per side)…`);
  const [app, bare] = await Promise.all([
    start({ name: "app", configPath: config, persistTo: state, vars: { ...CLIENT_VARS, DB_METRICS: "0" } }),
    start({ name: "bare", configPath: bareConfig, persistTo: state }),
  ]);
  const loadAverage = loadavg();
  const throughput = await measureThroughput(comparisons(r, app, bare, platform, environment), SECONDS);

  const report = renderReport({ manifest, seconds: SECONDS, loadAverage, rows, transfers, coordinator, throughput });
  console.log(`\n${report}`);
  // The sign-in figures (`npm run bench:sign-in`) share the file: kept as they are.
  const file = path.join(HERE, "RESULTS.md");
  const signIn = existsSync(file) ? sectionOf(readFileSync(file, "utf8"), "## Sign-in") : "";
  writeFileSync(file, signIn ? withSection(report, "## Sign-in", signIn) : report);
}

try {
  await main();
} catch (err) {
  if (!interrupted) console.error(err);
  process.exitCode = 1;
} finally {
  await stopAll();
}

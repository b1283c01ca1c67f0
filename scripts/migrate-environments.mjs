#!/usr/bin/env node
// `npm run migrate:environments`: moves each environment's data out of D1 into its own object, one environment at a
// time, through the Worker's operator surface (src/operator, src/services/environment-moves.ts). Each call is one
// bounded step; the move's progress is kept in D1, so this is safe to stop at any point and to run again: it goes on
// where the last run stopped (environments left 'moving' first).
//
//   npm run migrate:environments                                  local: a running `npm run dev` (OPERATOR_TOKEN from .dev.vars)
//   npm run migrate:environments -- --remote --url https://…      a deployment (OPERATOR_TOKEN from the environment)
//   npm run migrate:environments -- --environment <id>            one environment
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    remote: { type: "boolean", default: false },
    url: { type: "string" },
    environment: { type: "string" },
    pages: { type: "string", default: "20" },
  },
});

function localToken() {
  if (!existsSync(".dev.vars")) return undefined;
  const line = readFileSync(".dev.vars", "utf8")
    .split("\n")
    .find((l) => /^\s*OPERATOR_TOKEN\s*=/.test(l));
  return line?.slice(line.indexOf("=") + 1).trim();
}

const base = (args.url ?? (args.remote ? undefined : "http://localhost:8787"))?.replace(/\/+$/, "");
const token = args.remote ? process.env.OPERATOR_TOKEN : (process.env.OPERATOR_TOKEN ?? localToken());
if (!base) fail("--remote needs --url https://… (the deployment's origin).");
if (!token)
  fail(
    args.remote
      ? "Set OPERATOR_TOKEN in the environment (the deployment's secret: wrangler secret put OPERATOR_TOKEN)."
      : "No OPERATOR_TOKEN in .dev.vars: run `npm run dev` once (it generates one).",
  );

function fail(message) {
  console.error(`migrate:environments: ${message}`);
  process.exit(2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Calls the operator surface; a 5xx or a dropped connection is retried (every step is safe to repeat). */
async function api(method, path) {
  for (let attempt = 1; ; attempt++) {
    let res;
    try {
      res = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
    } catch (err) {
      if (attempt >= 8) throw err;
      console.log(`  (${method} ${path}: ${err.message}; retrying)`);
      await sleep(500 * attempt);
      continue;
    }
    const body = await res.json().catch(() => null);
    if (res.ok) return body;
    if (res.status === 401) fail("the operator token was refused (401).");
    if (res.status === 404 && body?.code === "not_found") fail(`${base} has no /operator surface: is OPERATOR_TOKEN set there?`);
    if (res.status < 500 || attempt >= 8)
      throw new Error(`${method} ${path}: ${res.status} ${body?.code ?? ""} ${body?.message ?? ""}`);
    console.log(`  (${res.status} ${body?.code ?? ""}: ${body?.message ?? ""}; retrying)`);
    await sleep(500 * attempt);
  }
}

async function list(location) {
  const ids = [];
  let after;
  do {
    const page = await api("GET", `/operator/environments?data_location=${location}&limit=1000${after ? `&after=${after}` : ""}`);
    ids.push(...page.data.map((e) => e.id));
    after = page.list_metadata.after;
  } while (after);
  return ids;
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Drives one environment's move until it is done, or until it waits out its settle (its D1 rows may be deleted
 * only a few seconds after its flip) or, when it holds nothing, the writes in flight: the next environment moves
 * meanwhile, and this one is finished later.
 */
async function move(id, started = Date.now()) {
  let last = "";
  for (;;) {
    const p = await api("POST", `/operator/environments/${id}/move?pages=${args.pages}`);
    const current = p.tables.find((t) => t.table === p.table);
    const where =
      p.empty && p.phase === "copy"
        ? "holds nothing: waiting for writes in flight, then asking again"
        : p.phase === "copy"
          ? `${p.table}: ${current?.rows_copied ?? 0} rows copied`
          : p.phase === "verify"
            ? `${p.table}: ${current?.d1_rows ?? 0} rows in D1, ${current?.object_rows ?? 0} in the object checked`
            : p.phase === "delete"
              ? `${p.table}: ${current?.rows_deleted ?? 0}/${current?.d1_rows ?? 0} rows deleted from D1`
              : p.phase;
    const line = `${id}  ${p.phase.padEnd(6)}  ${where}${p.attempt > 1 ? `  (copy ${p.attempt})` : ""}`;
    if (line !== last) console.log(`${line}  ${seconds(Date.now() - started)}`);
    last = line;
    if (p.done || p.phase === "failed" || waits(p)) return { ...p, started };
  }
}

const waits = (p) => p.phase === "settle" || (p.empty && p.phase === "copy" && p.wait_ms > 0);

function summary(p) {
  if (p.phase === "failed") {
    console.log(`${p.environment_id}: FAILED, its data stays in D1 (served from there): ${p.last_error}`);
    return;
  }
  if (p.empty) {
    console.log(
      `${p.environment_id}: moved, it held nothing (nothing copied, no object made); writes refused ${seconds(p.writes_refused_ms ?? 0)}`,
    );
    return;
  }
  const moved = p.tables.filter((t) => t.d1_rows > 0 || t.object_rows > 0);
  const equal = p.tables.every((t) => t.equal);
  console.log(
    `${p.environment_id}: moved, ${moved.reduce((n, t) => n + t.object_rows, 0)} rows; checksums ${equal ? "equal" : "NOT equal"}; writes refused ${p.writes_refused_ms === null ? "never" : seconds(p.writes_refused_ms)}${p.attempt > 1 ? `; ${p.attempt} copies` : ""}`,
  );
  for (const t of moved)
    console.log(`  ${t.table.padEnd(28)} ${String(t.object_rows).padStart(9)} rows  ${t.equal ? "equal" : "DIFFERENT"}`);
}

const ids = args.environment ? [args.environment] : [...(await list("moving")), ...(await list("d1"))];
console.log(`migrate:environments: ${ids.length} environment(s) to move on ${base}`);
let failed = 0;
/** Moves waiting out their settle or an empty environment's writes in flight: { id, started, ready }, soonest first. */
const settling = [];
const park = (id, started, p) => {
  settling.push({ id, started, ready: Date.now() + p.wait_ms });
  settling.sort((a, b) => a.ready - b.ready);
};
const finish = (p) => {
  summary(p);
  if (p.phase === "failed") failed++;
};
async function finishSettled(all) {
  while (settling.length && (all || settling[0].ready <= Date.now())) {
    const { id, started, ready } = settling.shift();
    await sleep(Math.max(0, ready - Date.now()));
    const p = await move(id, started);
    if (waits(p)) park(id, started, p);
    else finish(p);
  }
}
for (const id of ids) {
  await finishSettled(false);
  const p = await move(id);
  if (waits(p)) park(id, p.started, p);
  else finish(p);
}
await finishSettled(true);
console.log(`migrate:environments: ${ids.length - failed} moved, ${failed} failed`);
process.exit(failed ? 1 : 0);

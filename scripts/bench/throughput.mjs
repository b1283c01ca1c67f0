// Requests per second of the app against the bare Worker (one primary-key D1 read), with autocannon.
// Each comparison alternates the two in rounds, so that both see the same machine (shared, 2 cores).
import autocannon from "autocannon";
import { cpuMsOfTree } from "./servers.mjs";

const CONNECTIONS = 20;
const ROUNDS = 2;

/** The app's requests and the bare Worker's equivalent: the same row by primary key. */
export function comparisons(r, app, bare, platform, environment) {
  const on = (worker, path, headers = {}) => ({ worker, url: `${worker.url}${path}`, headers });
  return [
    {
      label: "GET /platform/teams/:id",
      app: on(app, `/platform/teams/${r.team}`, platform.headers),
      bare: on(bare, `/teams/${r.team}`),
    },
    {
      label: "GET /organizations/:id",
      app: on(app, `/organizations/${r.organization(1)}`, environment.headers),
      bare: on(bare, `/organizations/${r.organization(1)}`),
    },
    {
      label: "GET /user_management/users?limit=10",
      app: on(app, "/user_management/users?limit=10", environment.headers),
      bare: on(bare, `/users/${r.user(9)}`),
    },
  ];
}

export async function measureThroughput(pairs, seconds) {
  const results = [];
  for (const pair of pairs) {
    const totals = { app: emptyTotals(), bare: emptyTotals() };
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of ["app", "bare"]) add(totals[side], await load(pair[side], seconds / ROUNDS));
    }
    results.push({ label: pair.label, app: summary(totals.app), bare: summary(totals.bare) });
    console.log(
      `Throughput: ${pair.label} ${results.at(-1).app.rps.toFixed(0)} req/s vs bare ${results.at(-1).bare.rps.toFixed(0)} req/s`,
    );
  }
  return results;
}

async function load(target, seconds) {
  const cpuBefore = cpuMsOfTree(target.worker.pid);
  const result = await autocannon({ url: target.url, headers: target.headers, connections: CONNECTIONS, duration: seconds });
  const cpuAfter = cpuMsOfTree(target.worker.pid);
  return {
    requests: result.requests.total,
    seconds: result.duration,
    failures: result.non2xx + result.errors + result.timeouts,
    cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

const emptyTotals = () => ({ requests: 0, seconds: 0, failures: 0, cpuMs: 0, p50s: [], p99s: [] });

function add(totals, run) {
  totals.requests += run.requests;
  totals.seconds += run.seconds;
  totals.failures += run.failures;
  totals.cpuMs = totals.cpuMs === null || run.cpuMs === null ? null : totals.cpuMs + run.cpuMs;
  totals.p50s.push(run.p50);
  totals.p99s.push(run.p99);
}

const summary = (t) => ({
  rps: t.requests / t.seconds,
  failures: t.failures,
  cpuMsPerRequest: t.cpuMs === null ? null : t.cpuMs / t.requests,
  p50: mean(t.p50s),
  p99: mean(t.p99s),
});

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The same request on the environment whose data is in its object and on the one left in D1 (the same rows, the
 * same ids), one server, alternating rounds. `objectKey` and `d1Key` are the two environments' secret keys.
 */
export function objectComparisons(r, app, d1Key, objectKey) {
  const on = (key, path) => ({ worker: app, url: `${app.url}${path}`, headers: { Authorization: `Bearer ${key}` } });
  return [
    ["GET /user_management/users/:id", `/user_management/users/${r.user(9)}`],
    ["GET /organizations/:id", `/organizations/${r.organization(1)}`],
  ].map(([label, path]) => ({ label, object: on(objectKey, path), d1: on(d1Key, path) }));
}

export async function measureSideBySide(pairs, seconds) {
  const results = [];
  for (const pair of pairs) {
    const totals = { object: emptyTotals(), d1: emptyTotals() };
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of ["d1", "object"]) add(totals[side], await load(pair[side], seconds / ROUNDS));
    }
    const result = { label: pair.label, object: summary(totals.object), d1: summary(totals.d1) };
    results.push(result);
    console.log(
      `Object vs D1: ${pair.label} ${result.object.rps.toFixed(0)} req/s (p99 ${result.object.p99} ms) vs ${result.d1.rps.toFixed(0)} req/s (p99 ${result.d1.p99} ms)`,
    );
  }
  return results;
}

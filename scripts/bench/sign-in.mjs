#!/usr/bin/env node
// `npm run bench:sign-in`: the latency of signing in through an application under `wrangler dev`, side by side
// with a plain `GET /user_management/users/:id`. It serves the app over a fresh local D1 (migrations applied, rate
// limits lifted), makes a team, its staging environment's key, a user with a password and a web application
// through the APIs, signs in once on the hosted page (for the browser session), then times, interleaved round-robin
// so that drift hits every request alike: the baseline, a password sign-in (PBKDF2 included), a code exchange at
// the token endpoint (PKCE and client_secret_basic; the code comes from an authorize with the browser session, not
// timed), a refresh (each rotation's successor used next), the JWKS and the discovery document. Then the bundle size.
// Writes the "Sign-in" section of scripts/bench/RESULTS.md. Options: BENCH_N (timed rounds, 60), BENCH_WARMUP (5).
// Not part of `npm test`. Every process it starts is stopped at the end, also on error or Ctrl-C.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { call, environmentApi, platformApi } from "./client.mjs";
import { withSection } from "./results-file.mjs";
import { benchConfig, startWorker } from "./servers.mjs";

const HERE = import.meta.dirname;
const REPO = path.resolve(HERE, "../..");
const WORK = path.join(REPO, ".wrangler", "bench-sign-in");
const N = Number(process.env.BENCH_N ?? 60);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
if (!(Number.isInteger(N) && N > 0 && Number.isInteger(WARMUP) && WARMUP >= 0))
  throw new Error("BENCH_N must be a positive integer and BENCH_WARMUP a non-negative one.");
const CLIENT = { id: "client_bench", secret: "secret_bench_local_only" };
// A fresh database each run, so a fresh key-encryption secret too (what `npm run dev` puts in .dev.vars).
const VARS = {
  PLATFORM_CLIENT_ID: CLIENT.id,
  PLATFORM_CLIENT_SECRET: CLIENT.secret,
  SIGNING_KEY_SECRET: randomBytes(32).toString("base64url"),
  DB_METRICS: "0",
};
const USER = { email: "ada@bench.test", password: "correct horse battery staple" };
// Never contacted: redirects are read from `Location`, not followed.
const REDIRECT_URI = "http://127.0.0.1:9/callback";
const SECTION = "## Sign-in";

let worker;
let migrating;
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"])
  process.once(signal, () => {
    interrupted = true;
    if (migrating) process.kill(-migrating.pid, "SIGTERM");
    (worker?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });

function check(res, status, what) {
  if (res.status !== status) throw new Error(`${what} answered ${res.status} (expected ${status}): ${res.text.slice(0, 500)}`);
  return res;
}

/** Applies every migration to a fresh local D1, in its own process group (a signal handler can stop it). */
function applyMigrations(configPath, persistTo) {
  const args = ["d1", "migrations", "apply", "DB", "--local", "--config", configPath, "--persist-to", persistTo];
  const child = spawn("wrangler", args, {
    cwd: REPO,
    env: { ...process.env, CI: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => (output += chunk));
  migrating = child;
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      migrating = undefined;
      if (code === 0) resolve();
      else reject(new Error(`wrangler d1 migrations apply failed (${code}):\n${output}`));
    });
  });
}

/** A team's staging environment with a key, a user with a password and a web application, made through the APIs. */
async function setUp(base) {
  const platform = await platformApi(base, CLIENT.id, CLIENT.secret);
  const team = check(
    await platform.post("/platform/teams", { name: "Bench", admin_email: "admin@bench.test" }),
    201,
    "POST /platform/teams",
  ).json();
  const environments = check(await platform.get(`/platform/teams/${team.id}/environments`), 200, "GET environments").json().data;
  const staging = environments.find((e) => !e.production);
  const envPath = `/platform/teams/${team.id}/environments/${staging.id}`;
  const key = check(await platform.post(`${envPath}/api_keys`, { name: "bench" }), 201, "POST api_keys").json().value;
  const environment = environmentApi(base, key);
  const user = check(
    await environment.post("/user_management/users", { ...USER, first_name: "Ada", last_name: "Lovelace", email_verified: true }),
    201,
    "POST /user_management/users",
  ).json();
  const app = check(
    await platform.post(`${envPath}/applications`, { name: "Bench web", type: "web", redirect_uris: [REDIRECT_URI] }),
    201,
    "POST applications",
  ).json();
  return { key, environment, user, clientId: app.client_id, issuer: app.issuer };
}

/** An authorization request's query, with its PKCE verifier, state and nonce. */
function authorizationRequest(clientId) {
  const verifier = randomBytes(32).toString("base64url");
  const state = randomBytes(16).toString("base64url");
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: "openid profile email offline_access",
    state,
    nonce: randomBytes(16).toString("base64url"),
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  });
  return { query, verifier, state };
}

/** The code a redirect back to the application carries, after checking its state. */
function codeOf(res, state, what) {
  if (res.status !== 302 && res.status !== 303) check(res, 302, what);
  const back = new URL(res.headers.get("Location"));
  if (back.searchParams.get("state") !== state) throw new Error(`${what}: the redirect lost the state (${back}).`);
  const code = back.searchParams.get("code");
  if (!code) throw new Error(`${what}: no code in ${back}`);
  return code;
}

/** Signs in once on the hosted page, as a browser: the page, then its form. Returns the browser session's cookie. */
async function browserSignIn(base, clientId) {
  const { query, state } = authorizationRequest(clientId);
  const page = check(await call(base, `/user_management/authorize?${query}`), 200, "GET /user_management/authorize");
  const action = page.text.match(/<form[^>]*action="([^"]+)"/)?.[1]?.replaceAll("&amp;", "&");
  if (!action) throw new Error("The hosted page has no form.");
  const res = await call(base, action, {
    method: "POST",
    body: new URLSearchParams(USER),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
  });
  codeOf(res, state, "POST the sign-in form");
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("authkit_"));
  if (!cookie) throw new Error("The sign-in form set no browser-session cookie.");
  return cookie.split(";")[0];
}

/** The requests compared, each a function answering its own latency (what is not timed happens before it). */
function requests(base, s, cookie) {
  const json = (body) => ({ method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(s.clientId)}:${encodeURIComponent(s.key)}`).toString("base64")}`;
  const issuerPath = new URL(s.issuer).pathname;
  let refreshToken;
  const timed = async (what, status, path, init) => check(await call(base, path, init), status, what);
  return [
    {
      name: "`GET /user_management/users/:id` (baseline)",
      run: async () =>
        (await timed("GET user", 200, `/user_management/users/${s.user.id}`, { headers: { Authorization: `Bearer ${s.key}` } }))
          .ms,
    },
    {
      name: "`POST /user_management/authenticate` password (PBKDF2)",
      run: async () => {
        const res = await timed(
          "password grant",
          200,
          "/user_management/authenticate",
          json({ client_id: s.clientId, client_secret: s.key, grant_type: "password", ...USER }),
        );
        refreshToken ??= res.json().refresh_token;
        return res.ms;
      },
    },
    {
      name: "`POST {issuer}/oauth2/token` authorization_code + PKCE",
      run: async () => {
        const { query, verifier, state } = authorizationRequest(s.clientId);
        const code = codeOf(
          await call(base, `/user_management/authorize?${query}`, { headers: { Cookie: cookie } }),
          state,
          "GET /user_management/authorize with the browser session",
        );
        const form = new URLSearchParams({
          grant_type: "authorization_code",
          code,
          redirect_uri: REDIRECT_URI,
          code_verifier: verifier,
        });
        const res = await timed("code exchange", 200, `${issuerPath}/oauth2/token`, {
          method: "POST",
          body: form,
          headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basic },
        });
        if (!res.json().id_token) throw new Error("The code exchange answered no ID token.");
        return res.ms;
      },
    },
    {
      name: "`POST /user_management/authenticate` refresh_token (rotated)",
      run: async () => {
        const res = await timed(
          "refresh grant",
          200,
          "/user_management/authenticate",
          json({ client_id: s.clientId, client_secret: s.key, grant_type: "refresh_token", refresh_token: refreshToken }),
        );
        const next = res.json().refresh_token;
        if (next === refreshToken) throw new Error("The refresh token was not rotated.");
        refreshToken = next;
        return res.ms;
      },
    },
    { name: "`GET /sso/jwks/:client_id`", run: async () => (await timed("JWKS", 200, `/sso/jwks/${s.clientId}`)).ms },
    {
      name: "`GET {issuer}/.well-known/openid-configuration`",
      run: async () => (await timed("discovery", 200, `${issuerPath}/.well-known/openid-configuration`)).ms,
    },
  ];
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted, p) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];

async function measure(list) {
  const samples = list.map(() => []);
  for (let round = 0; round < WARMUP + N; round++) {
    for (const [i, request] of list.entries()) {
      const ms = await request.run();
      if (round >= WARMUP) samples[i].push(ms);
    }
  }
  return list.map((request, i) => {
    const sorted = samples[i].toSorted((a, b) => a - b);
    return { name: request.name, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
  });
}

function render({ results, bundle, loadAverage, startedAt }) {
  const base = results[0].p50;
  const f = (ms) => ms.toFixed(1);
  const lines = [
    SECTION,
    "",
    `\`npm run bench:sign-in\`, ${startedAt}: local \`wrangler dev\` (workerd + Miniflare's D1, rate limits lifted, a fresh database), one client, requests interleaved round-robin, ${WARMUP} warm-up rounds then ${N} timed (p99 of ${N} samples is close to the maximum). Load average at the start: ${loadAverage.map((l) => l.toFixed(2)).join(", ")} on ${availableParallelism()} cores. Client-side latency, body read included. The password and refresh grants send the environment key as \`client_secret\` (as the SDK on a server does); the code exchange authenticates with \`client_secret_basic\` and PKCE, asks \`openid\` (an ID token is signed too), and its code comes from an authorize with the browser session, not timed.`,
    "",
    "| request | p50 ms | p90 ms | p99 ms | p50 ÷ baseline |",
    "|---|---|---|---|---|",
    ...results.map((r) => `| ${r.name} | ${f(r.p50)} | ${f(r.p90)} | ${f(r.p99)} | ${(r.p50 / base).toFixed(2)}× |`),
    "",
    `Bundle (\`npm run -s bundle-size\`): ${bundle}`,
    "",
  ];
  return lines.join("\n");
}

async function main() {
  const startedAt = new Date().toISOString();
  const state = path.join(WORK, "state");
  rmSync(state, { recursive: true, force: true });
  const config = benchConfig(path.join(REPO, "wrangler.toml"), path.join(WORK, "app", "wrangler.toml"));
  console.log("Applying migrations to a fresh local D1…");
  await applyMigrations(config, state);
  console.log("Serving the app…");
  await startWorker({
    name: "app-sign-in",
    configPath: config,
    persistTo: state,
    vars: VARS,
    logDir: WORK,
    onSpawn: (spawned) => (worker = spawned),
  });
  const setup = await setUp(worker.url);
  const cookie = await browserSignIn(worker.url, setup.clientId);
  const loadAverage = loadavg();
  console.log(`Measuring: ${WARMUP} warm-up rounds, then ${N} timed…`);
  const results = await measure(requests(worker.url, setup, cookie));
  await worker.stop();
  worker = undefined;
  console.log("Bundle size…");
  // Over budget, bundle-size exits 1 and says by how much: the figures are still written, the exit code is kept.
  const sized = spawnSync("npm", ["run", "-s", "bundle-size"], { cwd: REPO, encoding: "utf8" });
  const bundle = [sized.stdout, sized.stderr]
    .flatMap((out) => out.trim().split("\n"))
    .filter((line) => line.includes("KiB"))
    .join(" — ");
  if (!bundle) throw new Error(`npm run bundle-size printed no size:\n${sized.stdout}\n${sized.stderr}`);
  if (sized.status !== 0) process.exitCode = 1;
  const section = render({ results, bundle, loadAverage, startedAt });
  console.log(`\n${section}`);
  const file = path.join(HERE, "RESULTS.md");
  writeFileSync(file, withSection(readFileSync(file, "utf8"), SECTION, section));
}

try {
  await main();
} catch (err) {
  if (!interrupted) console.error(err);
  process.exitCode = 1;
} finally {
  await worker?.stop();
}

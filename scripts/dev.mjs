#!/usr/bin/env node
// `npm run dev [-- wrangler dev options]`: one command from a fresh clone to a running service.
// 1. creates .dev.vars with documented defaults (an existing one is left as it is, but gets a SIGNING_KEY_SECRET
//    if it has none);
// 2. applies every migration to the local D1 database;
// 3. prints how to sign in, then runs `wrangler dev` with the options given.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

const DEFAULTS = `# Local development secrets (not committed). See README.md.
PLATFORM_CLIENT_ID=client_local
PLATFORM_CLIENT_SECRET=secret_local_change_me
# More platform clients, as id:secret pairs separated by commas:
# PLATFORM_CLIENTS=client_two:secret_two
# Adds X-D1-Rows-Read / X-D1-Rows-Written headers (what D1 billed each request):
DB_METRICS=1
`;
// Local development prints email (links included) instead of sending it; a deployment never does.
const EMAIL_CONSOLE = "# Prints email, links included, instead of sending it (local development only):\nEMAIL_CONSOLE=1\n";

const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
if (!existsSync(".dev.vars")) {
  writeFileSync(".dev.vars", DEFAULTS);
  console.log("Created .dev.vars with the default local platform client.");
}
// The secret that encrypts the environments' signing keys at rest: generated once per clone, kept out of git.
if (!/^\s*SIGNING_KEY_SECRET\s*=/m.test(readFileSync(".dev.vars", "utf8"))) {
  appendFileSync(
    ".dev.vars",
    `# Encrypts the environments' token signing keys at rest (AES-GCM). Changing it makes existing keys unusable.\nSIGNING_KEY_SECRET=${randomBytes(32).toString("base64url")}\n`,
  );
  console.log("Added a generated SIGNING_KEY_SECRET to .dev.vars.");
}
// The operator's token for /operator (`npm run migrate:environments` reads it from here): generated once per clone.
if (!/^\s*OPERATOR_TOKEN\s*=/m.test(readFileSync(".dev.vars", "utf8"))) {
  appendFileSync(
    ".dev.vars",
    `# The operator's Bearer token for /operator (npm run migrate:environments).\nOPERATOR_TOKEN=${randomBytes(24).toString("base64url")}\n`,
  );
  console.log("Added a generated OPERATOR_TOKEN to .dev.vars.");
}
if (!/^\s*EMAIL_CONSOLE\s*=/m.test(readFileSync(".dev.vars", "utf8"))) appendFileSync(".dev.vars", EMAIL_CONSOLE);
const vars = Object.fromEntries(
  readFileSync(".dev.vars", "utf8")
    .split("\n")
    .filter((l) => /^\s*[A-Z_]+\s*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf("=")).trim(), l.slice(l.indexOf("=") + 1).trim()]),
);

const wrangler = (args, opts = {}) => spawnSync("wrangler", args, { stdio: "inherit", env, shell: false, ...opts });
const migrated = wrangler(["d1", "migrations", "apply", "DB", "--local"], { env: { ...env, CI: "true" } });
if (migrated.status !== 0) process.exit(migrated.status ?? 1);

const args = process.argv.slice(2);
const portAt = args.indexOf("--port");
const ipAt = args.indexOf("--ip");
const base = `http://${ipAt >= 0 ? args[ipAt + 1] : "localhost"}:${portAt >= 0 ? args[portAt + 1] : "8787"}`;
console.log(`
Control plane starting on ${base}
Sign in (platform client from .dev.vars):
  curl -s ${base}/oauth2/token -d grant_type=client_credentials -d client_id=${vars.PLATFORM_CLIENT_ID} -d client_secret=${vars.PLATFORM_CLIENT_SECRET}
Dashboard: ${base}/dashboard (same client id and secret). People: create a team (its admin_email is invited);
  the invitation's link is printed below as an [email] line: open it, choose a name and a password, sign in.
API reference: ${base}/docs (OpenAPI document: ${base}/openapi.json)
`);
const child = spawn("wrangler", ["dev", ...args], { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));

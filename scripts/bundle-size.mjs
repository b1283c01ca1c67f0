#!/usr/bin/env node
// `npm run bundle-size`: builds the Worker as `wrangler deploy` would (--dry-run, into dist/), prints its gzip size
// and fails past the budget (170 KiB gzip; static assets, public/, are not part of the Worker bundle). The budget was
// 150 KiB until each environment's data moved into its own Durable Object: the object's schema (generated SQL, 2.3 KiB
// gzip), its RPC and alarm, drizzle's durable-sqlite and sqlite-proxy drivers and the move of existing data added
// ~15 KiB gzip (144.9 → 160.1 KiB). Workers accept 3 MiB (Free) / 10 MiB (Paid) gzip; the budget is here to keep
// start-up parsing small and to make any growth a decision.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KIB = 170;
const root = path.join(import.meta.dirname, "..");
const outdir = path.join(root, "dist");
execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
  cwd: root,
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
});
const modules = readdirSync(outdir).filter((f) => /\.(m?js|wasm)$/.test(f));
let raw = 0;
let gzip = 0;
for (const file of modules) {
  const bytes = readFileSync(path.join(outdir, file));
  raw += statSync(path.join(outdir, file)).size;
  gzip += gzipSync(bytes, { level: 9 }).length;
}
const kib = (n) => (n / 1024).toFixed(1);
console.log(`Worker bundle (${modules.join(", ")}): ${kib(raw)} KiB, ${kib(gzip)} KiB gzip (budget ${BUDGET_KIB} KiB gzip)`);
if (gzip > BUDGET_KIB * 1024) {
  console.error(`The Worker bundle is over budget by ${kib(gzip - BUDGET_KIB * 1024)} KiB gzip.`);
  process.exit(1);
}

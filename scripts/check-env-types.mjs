#!/usr/bin/env node
// CI: `wrangler types` generates worker-configuration.d.ts (the bindings and vars of wrangler.toml); this checks
// that src/env.ts's Env (the handwritten source of truth: it also types secrets, and the bindings a deployment may
// lack as optional) declares every one of them. A binding added to wrangler.toml but not to Env fails here.
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.join(import.meta.dirname, "..");
const generated = readFileSync(path.join(root, "worker-configuration.d.ts"), "utf8");
const base =
  generated.match(/interface __BaseEnv_Env \{([\s\S]*?)\n\}/)?.[1] ?? generated.match(/interface Env \{([\s\S]*?)\n\s*\}/)?.[1];
if (!base) throw new Error("worker-configuration.d.ts: no Env interface found (did `wrangler types` change its output?)");
const bindings = [...base.matchAll(/^\s*([A-Z0-9_]+)\??:/gm)].map((m) => m[1]);
const envTs = readFileSync(path.join(root, "src", "env.ts"), "utf8");
const declared = envTs.match(/export interface Env \{([\s\S]*?)\n\}/)?.[1] ?? "";
const missing = bindings.filter((b) => !new RegExp(`^\\s*${b}\\??:`, "m").test(declared));
console.log(
  `wrangler types: ${bindings.length} bindings and vars; src/env.ts declares ${bindings.length - missing.length} of them`,
);
if (missing.length) {
  console.error(`src/env.ts's Env lacks: ${missing.join(", ")}`);
  process.exit(1);
}

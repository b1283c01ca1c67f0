#!/usr/bin/env node
// Writes public/openapi.json, the OpenAPI 3.1 document the Worker serves at GET /openapi.json (a static asset):
// generated from the routes' own doc() and validate() (src/lib/openapi.ts) here in Node, so that the Worker carries
// neither the generator nor the JSON Schema converters (npm run bundle-size). Runs before `npm run dev`, `npm test`
// and `npm run deploy` (and from vitest.config.ts); public/openapi.json is not committed.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.join(import.meta.dirname, "..");
// Inside the project, so that the bundle's imports of packages resolve from node_modules.
const outdir = path.join(root, "node_modules", ".cache", "build-openapi");
const outfile = path.join(outdir, `entry-${process.pid}.mjs`);
mkdirSync(outdir, { recursive: true });
try {
  await build({
    entryPoints: [path.join(root, "scripts", "openapi", "entry.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    // Only src/ is compiled (TypeScript, JSX); packages load from node_modules as they are.
    packages: "external",
    alias: { "cloudflare:workers": path.join(root, "scripts", "openapi", "cloudflare-workers.mjs") },
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "warning",
  });
  const { buildDocument } = await import(pathToFileURL(outfile).href);
  const document = await buildDocument();
  const target = path.join(root, "public", "openapi.json");
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(document)}\n`);
  console.log(`build-openapi: ${Object.keys(document.paths).length} paths → ${path.relative(root, target)}`);
} finally {
  rmSync(outfile, { force: true });
}

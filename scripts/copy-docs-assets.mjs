#!/usr/bin/env node
// Copies the API reference's browser bundle (Scalar, from node_modules) into public/docs/, where the Worker
// serves it as a static asset (wrangler.toml [assets]): /docs works offline and never loads a CDN.
// Runs before `npm run dev`, `npm test` and `npm run deploy` (and from vitest.config.ts); public/docs/ is not committed.
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.join(import.meta.dirname, "..");
const target = path.join(root, "public", "docs");
// The package's "exports" hide its files from require.resolve: take them from node_modules directly.
const source = path.join(root, "node_modules", "@scalar", "api-reference", "dist", "browser", "standalone.js");
if (!existsSync(source)) {
  console.error(
    `copy-docs-assets: ${path.relative(root, source)} is missing (npm install @scalar/api-reference): /docs will have no script.`,
  );
  process.exit(1);
}
mkdirSync(target, { recursive: true });
const dest = path.join(target, "standalone.js");
if (!existsSync(dest) || statSync(dest).size !== statSync(source).size || statSync(dest).mtimeMs < statSync(source).mtimeMs) {
  copyFileSync(source, dest);
  console.log(`copy-docs-assets: ${path.relative(root, source)} → ${path.relative(root, dest)}`);
}

#!/usr/bin/env node
// Makes /docs, the API reference, static assets the Worker serves (wrangler.toml [assets]), so that neither Scalar's
// page renderer nor its script is part of the Worker bundle, and /docs works offline and never loads a CDN:
// - public/docs/standalone.js: Scalar's browser bundle, copied from node_modules;
// - public/docs.html: the page (served at /docs), rendered here by @scalar/hono-api-reference over /openapi.json.
// Runs before `npm run dev`, `npm test` and `npm run deploy` (and from vitest.config.ts); neither is committed.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";

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

const page = new Hono().get(
  "/docs",
  Scalar({
    url: "/openapi.json",
    cdn: "/docs/standalone.js",
    pageTitle: "Projects control plane API",
    withDefaultFonts: false,
    hideClientButton: true,
  }),
);
const html = await (await page.request("/docs")).text();
const pagePath = path.join(root, "public", "docs.html");
if (!existsSync(pagePath) || readFileSync(pagePath, "utf8") !== html) {
  writeFileSync(pagePath, html);
  console.log(`copy-docs-assets: /docs → ${path.relative(root, pagePath)}`);
}

// Every GET route the Worker serves, read from the source (Hono's `.get(path, …)` calls, with the path
// constants they name), so that a route added later and not measured shows up in the bench's table.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** Where each surface's routers live, and the prefix it is mounted at (src/index.ts). */
const SURFACES = [
  { dir: "src/platform", prefix: "/platform" },
  { dir: "src/environment-api", prefix: "" },
  { dir: "src/dashboard", prefix: "/dashboard" },
];

export function discoverGetRoutes(repoRoot) {
  const routes = new Set();
  for (const { dir, prefix } of SURFACES) {
    for (const file of readdirSync(path.join(repoRoot, dir)).filter((f) => /\.tsx?$/.test(f))) {
      for (const route of getRoutesOf(readFileSync(path.join(repoRoot, dir, file), "utf8")))
        routes.add(`${prefix}${route}`.replace(/(.)\/$/, "$1"));
    }
  }
  return [...routes].sort();
}

function getRoutesOf(source) {
  const constants = new Map([...source.matchAll(/const (\w+) = "([^"]+)";/g)].map((m) => [m[1], m[2]]));
  const expand = (template) => template.replace(/\$\{(\w+)\}/g, (_, name) => constants.get(name) ?? `\${${name}}`);
  return [...source.matchAll(/\.get\(\s*(?:"([^"]+)"|`([^`]+)`|([A-Za-z_]\w*)\s*,)/g)]
    .map(([, literal, template, name]) => literal ?? (template !== undefined ? expand(template) : constants.get(name)))
    .filter((route) => route?.startsWith("/"));
}

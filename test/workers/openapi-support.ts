/**
 * The route table, as the generated suites see it: the OpenAPI document the Worker serves, its operations, and
 * the routes Hono registers. A route added later is covered by every suite that iterates over these.
 */
import { worker } from "./helpers";

export type Json = Record<string, any>;
export const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/**
 * Paths that are not part of the API: the dashboard and the hosted sign-in pages (HTML for people), the icon, the
 * document itself, the reference page.
 */
export const NOT_API = (path: string) =>
  path === "/user_management/authorize" ||
  path.startsWith("/user_management/authorize/") ||
  path === "/user_management/sessions/logout" ||
  /^\/user_management\/[^/]+\/(reset_password|accept_invitation)$/.test(path) ||
  path === "/favicon.ico" ||
  path === "/dashboard" ||
  path.startsWith("/dashboard/") ||
  path === "/openapi.json" ||
  path === "/docs" ||
  path.startsWith("/docs/");

let cached: Promise<Json> | undefined;
/** The document, as served by the Worker (once per test file). */
export function fetchDocument(): Promise<Json> {
  cached ??= worker(new Request("http://control-plane.test/openapi.json")).then(async (res) => {
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<Json>;
  });
  return cached;
}

export interface Operation {
  /** Upper case, e.g. POST. */
  method: string;
  /** The OpenAPI template, e.g. /platform/teams/{team_id}. */
  path: string;
  operation: Json;
}

/** Every operation of the document (documented or only validated: `summary` tells them apart). */
export function operationsOf(document: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(document.paths ?? {})) {
    for (const method of HTTP_METHODS)
      if (item[method]) out.push({ method: method.toUpperCase(), path, operation: item[method] });
  }
  return out;
}

/** Hono's path to the OpenAPI template: `/teams/:team_id` → `/teams/{team_id}` (a `{regex}` constraint dropped). */
export const toTemplate = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, "{$1}");

/** The API routes Hono registers: method + template, without middleware entries (method ALL) and non-API paths. */
export function apiRoutes(app: { routes: { method: string; path: string }[] }) {
  const seen = new Map<string, { method: string; path: string }>();
  for (const r of app.routes) {
    if (r.method === "ALL" || NOT_API(r.path)) continue;
    const path = toTemplate(r.path);
    seen.set(`${r.method} ${path}`, { method: r.method, path });
  }
  return [...seen.values()];
}

/**
 * Finds the template of a concrete path among the document's paths (`/platform/teams/team_01…` →
 * `/platform/teams/{team_id}`). Literal segments win over parameters (`/organizations/external_id/{external_id}`
 * over `/organizations/{id}/…`), as in the router.
 */
export function templateOf(document: Json, method: string, concrete: string): string | undefined {
  const path = concrete.split("?")[0];
  const candidates = Object.keys(document.paths ?? {})
    .filter((t) => document.paths[t][method.toLowerCase()])
    .filter((t) => matcher(t).test(path));
  // The most literal template: segment by segment, a literal beats a parameter.
  const literalFirst = (a: string, b: string) => {
    const [x, y] = [a.split("/"), b.split("/")];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const [px, py] = [x[i].startsWith("{"), y[i].startsWith("{")];
      if (px !== py) return px ? 1 : -1;
    }
    return 0;
  };
  return candidates.sort(literalFirst)[0];
}

const matchers = new Map<string, RegExp>();
function matcher(template: string): RegExp {
  let re = matchers.get(template);
  if (!re) {
    const escaped = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
    re = new RegExp(`^${escaped.join("[^/]+")}$`);
    matchers.set(template, re);
  }
  return re;
}

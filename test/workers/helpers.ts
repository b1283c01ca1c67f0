import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { answered, type EnvironmentStoreRpc } from "../../src/db/store-client";
import type { EnvironmentStore } from "../../src/environment-store/store";
import { rowsOf, sqlAnywhere } from "../store-sql";
import type { ApiKey, Connection, Environment, List, Project, Team, Token } from "./types";

export const CLIENT = { id: "client_test", secret: "secret_test" };
export const OTHER_CLIENT = { id: "client_other", secret: "secret_other" };

/** An answer; its body is `T` when the caller names the schema type (./types.ts), unchecked otherwise. */
export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One answer the suite saw, checked against the OpenAPI document after the file's tests (check-responses.ts). */
export interface RecordedAnswer {
  method: string;
  /** The concrete path, without the query. */
  path: string;
  status: number;
  contentType: string;
  body: unknown;
}
/** Requests the running test has made (test/workers/request-budget.ts). */
export const requests = { count: 0 };

/** Every answer the Worker gave in this test file (each went through `worker()`). */
export const recorded: RecordedAnswer[] = [];

const parse = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text; // not JSON (a page, a redirect)
  }
};

/**
 * The Worker's own fetch handler, with its answer recorded for the check against /openapi.json
 * (check-responses.ts). Every request a test makes goes through here, so no answer escapes the check
 * (test/workers/response-check.test.ts fails a test file that calls the Worker another way).
 */
export async function worker(request: Request): Promise<Response> {
  requests.count++;
  const res = await exports.default.fetch(request);
  recorded.push({
    method: request.method,
    path: new URL(request.url).pathname,
    status: res.status,
    contentType: res.headers.get("Content-Type") ?? "",
    body: parse(await res.clone().text()),
  });
  return res;
}

/** Calls the Worker as a client would (through its own fetch handler). */
export async function call<T = any>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["Content-Type"] = "application/json";
  } else if (body !== undefined) headers["Content-Type"] ??= "application/json";
  const res = await worker(new Request(`http://control-plane.test${path}`, { method, headers, body }));
  return { status: res.status, body: parse(await res.text()) as T, headers: res.headers };
}

/** `POST /oauth2/token` with a form body (and headers, e.g. HTTP Basic or CF-Connecting-IP). */
export const tokenRequest = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  worker(
    new Request("http://control-plane.test/oauth2/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields),
    }),
  );

export async function tokenFor(client = CLIENT): Promise<string> {
  const res = await tokenRequest({ grant_type: "client_credentials", client_id: client.id, client_secret: client.secret });
  expect(res.status).toBe(200);
  return ((await res.json()) as Token).access_token;
}

/** A client session: its token and shortcuts that assert the expected status. */
export async function session(client = CLIENT) {
  const token = await tokenFor(client);
  const as =
    (method: string) =>
    async <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>(method, `/platform${path}`, { token, body, headers });
  return { token, get: as("GET"), post: as("POST"), put: as("PUT"), patch: as("PATCH"), del: as("DELETE") };
}
export type Session = Awaited<ReturnType<typeof session>>;

/** A new team with its default project; returns ids of the project and its two environments. */
export async function newTeam(s: Session, name = "Acme") {
  const team = await s.post<Team>("/teams", { name, admin_email: "admin@acme.test" });
  expect(team.status).toBe(201);
  const projects = await s.get<List<Project>>(`/teams/${team.body.id}/projects`);
  const project = projects.body.data[0];
  const envs = await s.get<List<Environment>>(`/teams/${team.body.id}/environments?project_id=${project.id}&order=asc`);
  return { team: team.body, project, environments: envs.body.data };
}

/** Adds `n` staging environments to a project. */
export async function addEnvironments(s: Session, teamId: string, projectId: string, n: number) {
  const out: Environment[] = [];
  for (let i = 0; i < n; i++) {
    const r = await s.post<Environment>(`/teams/${teamId}/environments`, { name: `Env ${i}`, project_id: projectId });
    expect(r.status).toBe(201);
    out.push(r.body);
  }
  return out;
}

/** Reads D1 directly (the invariants are checked there, not through the API). */
export const d1 = async <T = Record<string, unknown>>(query: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(query)
      .bind(...params)
      .all<T>()
  ).results;

/** An environment's object (`idFromName(environment_id)`), typed by its class: for `runInDurableObject` and its RPC. */
export const storeObject = (environmentId: string) =>
  env.ENVIRONMENT_STORE.get(env.ENVIRONMENT_STORE.idFromName(environmentId)) as DurableObjectStub<EnvironmentStore>;

/** Runs a statement inside one environment's object (its own SQLite database); nothing when it was never written. */
export async function storeSql<T = Record<string, unknown>>(environmentId: string, query: string, ...params: unknown[]) {
  const stub = storeObject(environmentId);
  const created = await runInDurableObject(stub, async (_i, state) => state.storage.kv.get("environment_id") !== undefined);
  if (!created) {
    // A read of an object never written finds nothing; a write creates it, as the product's own first write does.
    if (/^\s*select\b/i.test(query)) return [] as T[];
    return rowsOf<T>(
      answered(await (stub as unknown as EnvironmentStoreRpc).query(environmentId, { sql: query, params, method: "all" })),
    );
  }
  return runInDurableObject(stub, async (_instance, state) => state.storage.sql.exec(query, ...params).toArray() as T[]);
}

/**
 * Seeds an environment's object straight into its storage (the tests at scale): creates it first the way its first
 * write does (`open`: the schema, its environment_totals row, its `environment_id`), then runs the statements in
 * one transaction. The totals' triggers count what they insert. Returns how long the statements took (ms).
 */
export async function seedStore(environmentId: string, statements: string[]): Promise<number> {
  const stub = storeObject(environmentId);
  return runInDurableObject(stub, async (instance, state) => {
    const opened = await (instance as unknown as { open(id: string, write: boolean): Promise<boolean> }).open(
      environmentId,
      true,
    );
    expect(opened).toBe(true);
    const started = Date.now();
    state.storage.transactionSync(() => {
      for (const statement of statements) state.storage.sql.exec(statement);
    });
    return Date.now() - started;
  });
}

/** Reads (or changes) data directly, wherever it lives (test/store-sql.ts says where). */
export const sql = <T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]> =>
  sqlAnywhere<T>({ d1, storeSql }, query, params);

export function expectError(answer: Answer, status: number, code: string) {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
  expect(typeof answer.body.message).toBe("string");
}

/** An SSO connection (OktaSAML) for an organization, through the Platform API. */
export async function createConnection(s: Session, teamId: string, environmentId: string, organizationId: string, name = "Okta") {
  const r = await s.post<Connection>(`/teams/${teamId}/environments/${environmentId}/connections`, {
    organization_id: organizationId,
    connection_type: "OktaSAML",
    name,
  });
  expect(r.status).toBe(201);
  return r.body;
}

/** Mints a secret key for an environment and returns its value. */
export async function mintKey(s: Session, teamId: string, environmentId: string, name = "test key"): Promise<string> {
  const r = await s.post<ApiKey>(`/teams/${teamId}/environments/${environmentId}/api_keys`, { name });
  expect(r.status).toBe(201);
  expect(r.body.value).toEqual(expect.any(String));
  return r.body.value as string;
}

/** Shortcuts for the environment API with one key (paths at the root, e.g. `/organizations`). */
export function envApi(key: string) {
  const as =
    (method: string) =>
    async <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>(method, path, { token: key, body, headers });
  return { key, get: as("GET"), post: as("POST"), put: as("PUT"), patch: as("PATCH"), del: as("DELETE") };
}
export type EnvApi = ReturnType<typeof envApi>;

/** A new team with a staging key: `{ s, team, project, staging, production, api }`. */
export async function stagingApi(name = "Acme") {
  const s = await session();
  const { team, project, environments } = await newTeam(s, name);
  const [staging, production] = environments;
  return { s, team, project, staging, production, api: envApi(await mintKey(s, team.id, staging.id)) };
}

/** Every table of the database (not SQLite's, D1's or Miniflare's own). */
export async function tables(): Promise<string[]> {
  const rows = await sql<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name",
  );
  return rows.map((r) => r.name);
}

/**
 * The state of the whole database: per table, its row count and a hash of all its rows (sorted, since some
 * tables are WITHOUT ROWID).
 * Two equal snapshots mean nothing was written in between (used to prove that a 4xx wrote nothing).
 */
export async function snapshotDatabase(): Promise<Record<string, string>> {
  const names = await tables();
  // One round trip for every table.
  const results = await env.DB.batch(names.map((t) => env.DB.prepare(`SELECT * FROM "${t}"`)));
  const out: Record<string, string> = {};
  for (const [i, table] of names.entries()) {
    const rows = results[i].results.map((r) => JSON.stringify(r)).sort();
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(rows.join("\n")));
    out[table] =
      `${rows.length} rows, ${[...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
  return out;
}

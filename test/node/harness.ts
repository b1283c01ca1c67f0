/**
 * Node-side test harness: runs the real Worker (wrangler.toml, its Durable Objects, a fresh in-memory D1 with
 * every migration applied) on a free 127.0.0.1 port, so tests can drive it with the official WorkOS SDK, a
 * browser or plain fetch. One worker per test file (start it in `beforeAll`); files run one after another.
 *
 * @example
 * import { useWorker } from "./harness";
 * const worker = useWorker(); // started before the file's tests, stopped after them
 *
 * it("lists organizations", async () => {
 *   const { team, staging } = await worker.newTeam();
 *   const workos = worker.workos(await worker.mintKey(team.id, staging.id));
 *   expect((await workos.organizations.listOrganizations()).data).toEqual([]);
 * });
 */
import { existsSync } from "node:fs";
import { WorkOS } from "@workos-inc/node";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { createTestHarness, type TestHarness } from "wrangler";
import { answered, type EnvironmentStoreRpc } from "../../src/db/store-client";
import { rowsOf, sqlAnywhere } from "../store-sql";

/** The platform client the harness configures (PLATFORM_CLIENT_ID / PLATFORM_CLIENT_SECRET). */
export const PLATFORM_CLIENT = { id: "client_test", secret: "secret_test" };

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface StartOptions {
  /** Extra vars / secrets for the Worker (override wrangler.toml's [vars] and .dev.vars). */
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
}

export class TestWorker {
  private harness?: TestHarness;
  private baseUrl?: URL;
  private token?: string;

  /** Starts the Worker and applies the migrations to its fresh D1. Takes a couple of seconds. */
  async start(options: StartOptions = {}): Promise<this> {
    process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
    process.env.WRANGLER_SEND_METRICS = "false";
    this.harness = createTestHarness({
      workers: [
        {
          configPath: "./wrangler.toml",
          vars: options.vars,
          secrets: {
            PLATFORM_CLIENT_ID: PLATFORM_CLIENT.id,
            PLATFORM_CLIENT_SECRET: PLATFORM_CLIENT.secret,
            SIGNING_KEY_SECRET: "node-test-signing-key-secret-0123456789",
            EMAIL_CONSOLE: "1",
            ...options.secrets,
          },
        },
      ],
    });
    this.baseUrl = (await this.harness.listen()).url;
    await this.harness.getWorker().applyD1Migrations("DB");
    return this;
  }

  async close() {
    await this.harness?.close();
    this.harness = undefined;
    this.token = undefined;
  }

  /** The Worker's base URL, e.g. http://127.0.0.1:41234/ */
  get url(): URL {
    if (!this.baseUrl) throw new Error("The worker is not started: call start() (or useWorker()) first.");
    return this.baseUrl;
  }

  get hostname() {
    return this.url.hostname;
  }

  get port() {
    return Number(this.url.port);
  }

  /** The Worker's runtime logs so far (console output, uncaught errors): print them when a test fails. */
  logs() {
    return this.harness?.getLogs() ?? [];
  }

  /** The Worker's bindings (e.g. `DB` to read what the API does not show), through the runtime's proxy. */
  async env<T = Record<string, any>>(): Promise<T> {
    if (!this.harness) throw new Error("The worker is not started.");
    return this.harness.getWorker<T & Record<string, any>>().getEnv();
  }

  /** Runs one SQL query on the Worker's D1 and returns its rows. */
  async d1<T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]> {
    const { DB } = await this.env<{ DB: D1Database }>();
    return (
      await DB.prepare(query)
        .bind(...params)
        .all<T>()
    ).results;
  }

  /** Runs one statement in an environment's object (its own SQLite database), through the object's RPC. */
  async storeSql<T = Record<string, unknown>>(environmentId: string, query: string, ...params: unknown[]): Promise<T[]> {
    const { ENVIRONMENT_STORE } = await this.env<{ ENVIRONMENT_STORE: DurableObjectNamespace }>();
    const stub = ENVIRONMENT_STORE.get(ENVIRONMENT_STORE.idFromName(environmentId)) as unknown as EnvironmentStoreRpc;
    return rowsOf<T>(answered(await stub.query(environmentId, { sql: query, params, method: "all" })));
  }

  /** Reads (or changes) data directly, wherever it lives (test/store-sql.ts says where). */
  sql<T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]> {
    return sqlAnywhere<T>(this, query, params);
  }

  /** An official SDK client for an environment key, pointed at this Worker (no retries: failures show at once). */
  workos(apiKey: string, options: { clientId?: string } = {}) {
    return new WorkOS(apiKey, {
      apiHostname: this.hostname,
      port: this.port,
      https: false,
      clientId: options.clientId,
      maxRetries: 0,
    });
  }

  /** A JSON request to the Worker; `token` goes in `Authorization: Bearer`. */
  async request<T = any>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(new URL(path, this.url), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  /** A platform access token for the harness's client (cached for the worker's life). */
  async platformToken(): Promise<string> {
    if (this.token) return this.token;
    const res = await fetch(new URL("/oauth2/token", this.url), {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: PLATFORM_CLIENT.id,
        client_secret: PLATFORM_CLIENT.secret,
      }),
    });
    expect(res.status).toBe(200);
    this.token = ((await res.json()) as { access_token: string }).access_token;
    return this.token;
  }

  /** A Platform API call (`path` without the `/platform` prefix). */
  async platform<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    return this.request<T>(method, `/platform${path}`, { token: await this.platformToken(), body });
  }

  /** A new team with its default project and that project's Staging and Production environments. */
  async newTeam(name = "Acme", options: { billing?: boolean } = {}) {
    const team = await this.platform("POST", "/teams", { name, admin_email: "admin@acme.test" });
    expect(team.status).toBe(201);
    if (options.billing) await this.enableBilling(team.body.id);
    const project = (await this.platform("GET", `/teams/${team.body.id}/projects`)).body.data[0];
    const envs = (await this.platform("GET", `/teams/${team.body.id}/environments?project_id=${project.id}&order=asc`)).body
      .data as any[];
    return {
      team: team.body,
      project,
      staging: envs.find((e) => !e.production),
      production: envs.find((e) => e.production),
    };
  }

  /** Adds billing: the team's production environments unlock (they serve requests and mint keys). */
  async enableBilling(teamId: string) {
    const r = await this.platform("PUT", `/teams/${teamId}/billing`, {
      billing_email: "billing@acme.test",
      payment_method: "card_4242",
    });
    expect(r.status).toBe(200);
  }

  /** Mints a secret key for an environment and returns its value (`sk_test_…` / `sk_live_…`). */
  async mintKey(teamId: string, environmentId: string, name = "test key"): Promise<string> {
    const r = await this.platform("POST", `/teams/${teamId}/environments/${environmentId}/api_keys`, { name });
    expect(r.status).toBe(201);
    return r.body.value;
  }
}

/** Starts a worker for the current test file (beforeAll) and stops it after (afterAll). */
export function useWorker(options: StartOptions = {}): TestWorker {
  const worker = new TestWorker();
  beforeAll(() => worker.start(options).then(() => undefined));
  afterAll(() => worker.close());
  return worker;
}

/** Debian's Chromium (or CHROMIUM_PATH), driven by playwright-core: offline, no first-run or background traffic. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath))
    throw new Error(`Chromium not found at ${executablePath}: apt-get install -y chromium (see .ci/run).`);
  return chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

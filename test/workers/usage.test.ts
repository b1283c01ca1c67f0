import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { storeStub } from "../../src/db/store-client";
import { periodBounds, pricingOf } from "../../src/services/usage";
import { d1, type EnvApi, envApi, expectError, mintKey, newTeam, session, sql, storeObject, storeSql } from "./helpers";
import type { UsageLine } from "./types";

describe("usage", () => {
  it("one line per environment with its quantities and amount, a zero line per project, and the total", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const [staging, production] = environments;
    const period = new Date().toISOString().slice(0, 7);
    const now = new Date().toISOString();
    // Staging is an environment still in D1 (its rows and its counters are D1's); production's data is in its object.
    await d1("UPDATE environments SET data_location = 'd1' WHERE id = ?", staging.id);
    const write = (environmentId: string, query: string, ...params: unknown[]) =>
      environmentId === staging.id ? d1(query, ...params) : inObject(environmentId, query, ...params);
    // Usage written directly: the environment API that creates it is tested elsewhere.
    for (const [env, i] of [
      [staging, 1],
      [production, 2],
      [production, 3],
    ] as const) {
      await write(
        env.id,
        "INSERT INTO organizations (id, environment_id, name, metadata, created_at, updated_at) VALUES (?, ?, 'Org', '{}', ?, ?)",
        `org_u${i}`,
        env.id,
        now,
        now,
      );
      await write(
        env.id,
        "INSERT INTO connections (id, environment_id, organization_id, connection_type, name, created_at, updated_at) VALUES (?, ?, ?, 'GenericSAML', 'c', ?, ?)",
        `conn_u${i}`,
        env.id,
        `org_u${i}`,
        now,
        now,
      );
    }
    await write(
      production.id,
      "INSERT INTO users (id, environment_id, email, metadata, created_at, updated_at) VALUES ('user_u1', ?, 'a@b.test', '{}', ?, ?)",
      production.id,
      now,
      now,
    );
    // Rows written behind the services' back have no counters: counted from the rows themselves, in D1 and in the object.
    await recount([production.id]);
    const r = await s.get(`/teams/${team.id}/usage?period=${period}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: "usage", team_id: team.id, period, currency: "usd" });
    expect(r.body.lines).toEqual([
      { object: "usage_line", type: "project", project_id: project.id, name: "Default", amount_cents: 0 },
      expect.objectContaining({
        type: "environment",
        environment_id: staging.id,
        quantities: { users: 0, sso_connections: 1, audit_log_events: 0 },
        amount_cents: 0,
      }),
      expect.objectContaining({
        type: "environment",
        environment_id: production.id,
        quantities: { users: 1, sso_connections: 2, audit_log_events: 0 },
        amount_cents: 25000,
      }),
    ]);
    expect(r.body.total_cents).toBe(25000);
    // A month before anything existed costs nothing.
    const past = await s.get(`/teams/${team.id}/usage?period=2020-01`);
    expect(past.body.total_cents).toBe(0);
  });

  it("400 for a malformed period", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    for (const period of ["2026-13", "26-01", "January"])
      expectError(await s.get(`/teams/${team.id}/usage?period=${period}`), 400, "invalid_parameters");
  });
});

/** A statement run in an environment's object through its own write path (which rolls its usage up right after). */
const inObject = (environmentId: string, query: string, ...params: unknown[]) =>
  storeStub(env, environmentId).query(environmentId, { sql: query, params, method: "run" });

/**
 * Counts the usage counters again from the rows: in D1, for the environments still there, the backfill of
 * migrations/0004_index_seeks.sql (the migration that introduced them); in each of these environments' objects, the
 * same statements over its own rows. Then waits for the objects' counters to be rolled up into D1.
 */
async function recount(objectEnvironmentIds: string[]) {
  const migration = (env.TEST_MIGRATIONS as { name: string; queries: string[] }[]).find((m) => m.name.startsWith("0004_"))!;
  const inserts = migration.queries.filter((q) => q.includes("INSERT INTO `usage_counters`"));
  expect(inserts).toHaveLength(5);
  await d1("DELETE FROM usage_counters WHERE environment_id IN (SELECT id FROM environments WHERE data_location = 'd1')");
  for (const q of inserts) await d1(q);
  for (const id of objectEnvironmentIds) {
    await inObject(id, "DELETE FROM usage_counters");
    for (const q of inserts) await inObject(id, q);
  }
  await rolledUp(objectEnvironmentIds);
}

/**
 * Until D1's usage counters of these environments (the roll-up the report reads) are their objects' own: an
 * object copies them in its alarm, set right after a write. A write under a fake clock sets it at that (future)
 * time, so the alarm is run here.
 */
async function rolledUp(environmentIds: string[]) {
  const counters = "SELECT period, metric, n FROM usage_counters WHERE environment_id = ? ORDER BY period, metric";
  for (const id of environmentIds) {
    await runDurableObjectAlarm(storeObject(id));
    const own = await storeSql(id, counters, id);
    await vi.waitFor(async () => expect(await d1(counters, id)).toEqual(own), { timeout: 10_000 });
  }
}

/** The team's environments whose data is in their own object. */
const objectEnvironments = async (teamId: string) =>
  (await d1<{ id: string }>("SELECT id FROM environments WHERE team_id = ? AND data_location = 'object'", teamId)).map(
    (e) => e.id,
  );

// ---- Counters reproduce the definitions (src/services/usage.ts) -------------------------------------

/** The report as it was computed before counters (from the rows themselves): the oracle. */
async function oracleUsage(teamId: string, period: string) {
  const { start, end } = periodBounds(period);
  const pricing = pricingOf(env);
  const envs = await sql<{ id: string; project_id: string; name: string; production: number }>(
    "SELECT * FROM environments WHERE team_id = ? ORDER BY id",
    teamId,
  );
  const projs = await sql<{ id: string; name: string }>("SELECT * FROM projects WHERE team_id = ? ORDER BY id", teamId);
  const count = async (query: string, ...params: unknown[]) => (await sql<{ n: number }>(query, ...params))[0].n;
  const lines = [];
  for (const e of envs) {
    const quantities = {
      users: await count("SELECT count(*) AS n FROM users WHERE environment_id = ? AND created_at < ?", e.id, end),
      sso_connections: await count(
        "SELECT count(*) AS n FROM connections WHERE environment_id = ? AND created_at < ?",
        e.id,
        end,
      ),
      audit_log_events: await count(
        "SELECT count(*) AS n FROM audit_log_events WHERE environment_id = ? AND created_at >= ? AND created_at < ?",
        e.id,
        start,
        end,
      ),
    };
    const amount = e.production
      ? quantities.users * pricing.unit_amount_cents.users +
        quantities.sso_connections * pricing.unit_amount_cents.sso_connections +
        quantities.audit_log_events * pricing.unit_amount_cents.audit_log_events
      : 0;
    lines.push({
      object: "usage_line",
      type: "environment",
      environment_id: e.id,
      project_id: e.project_id,
      name: e.name,
      production: Boolean(e.production),
      quantities,
      amount_cents: Math.round(amount),
    });
  }
  const projectLines = projs.map((p) => ({
    object: "usage_line",
    type: "project",
    project_id: p.id,
    name: p.name,
    amount_cents: 0,
  }));
  return { lines: [...projectLines, ...lines], total_cents: lines.reduce((s, l) => s + l.amount_cents, 0) };
}

describe("usage from counters", () => {
  afterEach(() => vi.useRealTimers());
  const at = (iso: string) => vi.setSystemTime(new Date(iso));
  // Tokens expire an hour after the (fake) time they were issued: a new one after each jump.
  const jump = async (iso: string) => {
    at(iso);
    return session();
  };

  it("a scripted month with a fixed clock: the counters' figures are today's definitions, period by period", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at("2031-02-10T12:00:00.000Z");
    let s = await session();
    const { team, project, environments } = await newTeam(s, "Scripted");
    expect(
      (await s.put(`/teams/${team.id}/billing`, { billing_email: "b@acme.test", payment_method: "4242424242424242" })).status,
    ).toBe(200);
    const [staging, production] = environments;
    const prodApi = envApi(await mintKey(s, team.id, production.id));
    const stagingApi = envApi(await mintKey(s, team.id, staging.id));
    const event = {
      action: "user.signed_in",
      occurred_at: "2031-01-01T00:00:00.000Z",
      actor: { id: "u", type: "user" },
      targets: [{ id: "t", type: "team" }],
      context: { location: "1.1.1.1" },
    };
    const orgIn = async (api: EnvApi) => (await api.post("/organizations", { name: "Org" })).body.id as string;
    const user = async (api: EnvApi, email: string) => {
      const r = await api.post("/user_management/users", { email });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const connection = async (environmentId: string, organizationId: string) => {
      const r = await s.post(`/teams/${team.id}/environments/${environmentId}/connections`, {
        organization_id: organizationId,
        connection_type: "OktaSAML",
        name: "Okta",
      });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const auditEvent = async (api: EnvApi, organizationId: string) =>
      expect((await api.post("/audit_logs/events", { organization_id: organizationId, event })).status).toBe(201);

    // February: usage before the month.
    const prodOrg = await orgIn(prodApi);
    const stagingOrg = await orgIn(stagingApi);
    const febUser = await user(prodApi, "feb1@acme.test");
    await user(prodApi, "feb2@acme.test");
    await user(stagingApi, "feb3@acme.test");
    await connection(production.id, prodOrg);
    const febConnection = await connection(production.id, prodOrg);
    await auditEvent(prodApi, prodOrg);
    await auditEvent(prodApi, prodOrg);

    // March 5: a production environment is created in the project, used, and transferred out on the 10th.
    s = await jump("2031-03-05T09:00:00.000Z");
    const moved = await s.post(`/teams/${team.id}/environments`, { name: "Mobile", project_id: project.id, production: true });
    expect(moved.status).toBe(201);
    const movedApi = envApi(await mintKey(s, team.id, moved.body.id));
    const movedOrg = await orgIn(movedApi);
    await user(movedApi, "m1@acme.test");
    await connection(moved.body.id, movedOrg);
    await auditEvent(movedApi, movedOrg);
    s = await jump("2031-03-10T09:00:00.000Z");
    const transfer = await s.post(`/teams/${team.id}/projects`, {
      name: "Mobile",
      transfer: { source_project_id: project.id, environment_ids: [moved.body.id], acknowledge: true },
    });
    expect(transfer.status).toBe(201);
    await auditEvent(movedApi, movedOrg);

    // March 12: a February user and a February connection are deleted; a user and a connection are added.
    s = await jump("2031-03-12T09:00:00.000Z");
    expect((await prodApi.del(`/user_management/users/${febUser}`)).status).toBe(204);
    expect((await prodApi.del(`/connections/${febConnection}`)).status).toBe(204);
    await user(prodApi, "mar1@acme.test");
    await connection(production.id, prodOrg);
    await auditEvent(prodApi, prodOrg);
    await auditEvent(stagingApi, stagingOrg);

    // March 15–20: an environment created, used, and deleted mid-month; an organization with a connection deleted.
    s = await jump("2031-03-15T09:00:00.000Z");
    const doomed = await s.post(`/teams/${team.id}/environments`, { name: "Doomed", project_id: project.id, production: true });
    const doomedApi = envApi(await mintKey(s, team.id, doomed.body.id));
    const doomedOrg = await orgIn(doomedApi);
    await user(doomedApi, "d1@acme.test");
    await connection(doomed.body.id, doomedOrg);
    await auditEvent(doomedApi, doomedOrg);
    const goneOrg = await orgIn(prodApi);
    await connection(production.id, goneOrg);
    s = await jump("2031-03-20T09:00:00.000Z");
    expect((await s.del(`/teams/${team.id}/environments/${doomed.body.id}`)).status).toBeLessThan(300);
    expect((await prodApi.del(`/organizations/${goneOrg}`)).status).toBe(204);

    // April: more usage, which March must not see.
    s = await jump("2031-04-02T09:00:00.000Z");
    await user(prodApi, "apr1@acme.test");
    await connection(production.id, prodOrg);
    await auditEvent(prodApi, prodOrg);
    vi.useRealTimers();
    await rolledUp(await objectEnvironments(team.id));

    for (const period of ["2031-01", "2031-02", "2031-03", "2031-04", "2031-05"]) {
      const r = await s.get(`/teams/${team.id}/usage?period=${period}`);
      expect(r.status).toBe(200);
      const oracle = await oracleUsage(team.id, period);
      expect({ period, lines: r.body.lines, total_cents: r.body.total_cents }).toEqual({ period, ...oracle });
    }
    // And by hand, for March: production keeps 1 of its 2 February users plus March's (2); its connections are
    // February's 2 − 1 deleted + March's (the deleted organization's went with it): 2; 2 Audit Logs events
    // (February's 2 are February's). Staging costs nothing; the transferred environment is under its new project.
    const march = (await s.get(`/teams/${team.id}/usage?period=2031-03`)).body;
    const line = (id: string) => march.lines.find((l: UsageLine) => l.type === "environment" && l.environment_id === id);
    expect(line(production.id).quantities).toEqual({ users: 2, sso_connections: 2, audit_log_events: 1 });
    expect(line(staging.id)).toMatchObject({
      quantities: { users: 1, sso_connections: 0, audit_log_events: 1 },
      amount_cents: 0,
    });
    expect(line(moved.body.id)).toMatchObject({
      project_id: transfer.body.id,
      quantities: { users: 1, sso_connections: 1, audit_log_events: 2 },
    });
    expect(line(doomed.body.id)).toBeUndefined();
    expect(march.lines.filter((l: UsageLine) => l.type === "project").map((l: UsageLine) => l.amount_cents)).toEqual([0, 0]);
  }, 60_000);

  it("exact under concurrency: 20 simultaneous users and 10 Audit Logs events; an event's duplicate (same Idempotency-Key) counted once", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s, "Busy");
    const api = envApi(await mintKey(s, team.id, environments[0].id));
    const org = (await api.post("/organizations", { name: "Org" })).body.id;
    const event = {
      action: "a.b",
      occurred_at: "2031-01-01T00:00:00.000Z",
      actor: { id: "u", type: "user" },
      targets: [{ id: "t", type: "team" }],
      context: { location: "1.1.1.1" },
    };
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => api.post("/user_management/users", { email: `c${i}@acme.test` })),
      ...Array.from({ length: 10 }, () => api.post("/audit_logs/events", { organization_id: org, event })),
    ]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    // An event sent again with its Idempotency-Key (e.g. after the replay window) is stored, and counted, once.
    await sql("DELETE FROM idempotency_keys");
    for (let i = 0; i < 2; i++) {
      expect((await api.post("/audit_logs/events", { organization_id: org, event }, { "Idempotency-Key": "same" })).status).toBe(
        201,
      );
      await sql("DELETE FROM idempotency_keys");
    }
    const period = new Date().toISOString().slice(0, 7);
    await rolledUp(await objectEnvironments(team.id));
    const r = await s.get(`/teams/${team.id}/usage?period=${period}`);
    const line = r.body.lines.find((l: UsageLine) => l.type === "environment" && l.environment_id === environments[0].id);
    expect(line.quantities).toEqual({ users: 20, sso_connections: 0, audit_log_events: 11 });
    expect({ lines: r.body.lines, total_cents: r.body.total_cents }).toEqual(await oracleUsage(team.id, period));
  }, 30_000);

  it("pages of projects: limit and after, each project with its environments, list_metadata.after while more follow", async () => {
    const s = await session();
    const { team } = await newTeam(s, "Paged");
    for (const name of ["B", "C"]) expect((await s.post(`/teams/${team.id}/projects`, { name })).status).toBe(201);
    const first = await s.get(`/teams/${team.id}/usage?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.lines.filter((l: UsageLine) => l.type === "project")).toHaveLength(2);
    expect(first.body.list_metadata.after).toEqual(expect.any(String));
    const second = await s.get(`/teams/${team.id}/usage?limit=2&after=${first.body.list_metadata.after}`);
    const projects = second.body.lines.filter((l: UsageLine) => l.type === "project");
    expect(projects).toHaveLength(1);
    expect(second.body.list_metadata.after).toBeNull();
    // Every environment line belongs to a project of its page.
    for (const page of [first.body, second.body]) {
      const ids = new Set(page.lines.filter((l: UsageLine) => l.type === "project").map((l: UsageLine) => l.project_id));
      for (const l of page.lines.filter((l: UsageLine) => l.type === "environment")) expect(ids.has(l.project_id)).toBe(true);
    }
    const whole = await s.get(`/teams/${team.id}/usage`);
    expect(whole.body.lines).toHaveLength(first.body.lines.length + second.body.lines.length);
    expectError(await s.get(`/teams/${team.id}/usage?limit=0`), 400, "invalid_parameters");
  });
});

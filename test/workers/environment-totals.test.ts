import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { storeOf } from "../../src/db/store-client";
import { environmentHoldings } from "../../src/services/environment-summary";
import {
  addEnvironments,
  createConnection,
  d1,
  type EnvApi,
  envApi,
  mintKey,
  newTeam,
  type Session,
  session,
  sql,
  stagingApi,
  storeObject,
  storeSql,
} from "./helpers";

/**
 * environment_totals (migration 0008) keeps each environment's counts with triggers; the transfer review reads
 * them instead of COUNT(*)s. They must equal the COUNT(*)s after every change, whatever writes it: creates and
 * deletes through the APIs, ON DELETE CASCADE deletes (an organization's connections, a whole environment), a
 * transfer (the totals are keyed by environment and move with it), concurrent writes.
 *
 * Two rows hold them: the environment's store (its own object, or D1 for an environment not moved) counts what it
 * holds (users, organizations, connections, webhook endpoints) in the write's own transaction; D1's row counts the
 * keys, which stay in D1 with the control plane.
 *
 * npx vitest run --project workers test/workers/environment-totals.test.ts
 */

const COUNTED = ["users", "organizations", "connections", "api_keys", "webhook_endpoints"] as const;
const IN_STORE = ["users", "organizations", "connections", "webhook_endpoints"] as const;
const ZERO = { users: 0, organizations: 0, connections: 0, api_keys: 0, webhook_endpoints: 0 };

type Read = <T = Record<string, unknown>>(query: string, ...params: unknown[]) => Promise<T[]>;

/** Reads the environment's store, where its row in D1 says it is; an object never written holds nothing. */
async function storeOfEnvironment(environmentId: string): Promise<Read> {
  const [e] = await d1<{ data_location: string }>("SELECT data_location FROM environments WHERE id = ?", environmentId);
  return e?.data_location === "object" ? (query, ...params) => storeSql(environmentId, query, ...params) : d1;
}

/** Whether the environment's object was ever written (an environment holding nothing has no storage). */
const objectCreated = (environmentId: string) =>
  runInDurableObject(storeObject(environmentId), async (_o, state) => state.storage.kv.get("environment_id") !== undefined);

/** How many tables the environment's object holds (none once emptied). */
const objectTables = (environmentId: string) =>
  runInDurableObject(
    storeObject(environmentId),
    async (_o, state) =>
      state.storage.sql
        .exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'")
        .one().n,
  );

/** The environment's COUNT(*)s, straight from the tables where they live (every row; keys: live ones only). */
async function counted(environmentId: string) {
  const read = await storeOfEnvironment(environmentId);
  const out: Record<string, number> = {};
  for (const t of IN_STORE)
    out[t] = (await read<{ n: number }>(`SELECT count(*) AS n FROM ${t} WHERE environment_id = ?`, environmentId))[0]?.n ?? 0;
  const [keys] = await d1<{ n: number }>(
    "SELECT count(*) AS n FROM api_keys WHERE environment_id = ? AND (expires_at IS NULL OR expires_at > ?)",
    environmentId,
    new Date().toISOString(),
  );
  return Object.fromEntries(COUNTED.map((t) => [t, t === "api_keys" ? keys.n : out[t]]));
}

/**
 * The totals rows equal the COUNT(*)s (for keys: those without an expiry; a key with one is live until a time
 * that passes with no write, so those are counted when read), and what the review reads equals them all; returns them.
 * An environment whose object was never written has no row there, and holds nothing.
 */
async function expectExact(environmentId: string) {
  const truth = await counted(environmentId);
  const read = await storeOfEnvironment(environmentId);
  const [stored] = await read<Record<string, unknown>>(
    "SELECT users, organizations, connections, webhook_endpoints FROM environment_totals WHERE environment_id = ?",
    environmentId,
  );
  const inObject = read !== d1;
  if (inObject && !(await objectCreated(environmentId))) expect(stored).toBeUndefined();
  else expect(stored, `${environmentId}: its store's totals row`).toBeDefined();
  const [keys] = await d1<{ api_keys_without_expiry: number }>(
    "SELECT api_keys_without_expiry FROM environment_totals WHERE environment_id = ?",
    environmentId,
  );
  const [{ n: withoutExpiry }] = await d1<{ n: number }>(
    "SELECT count(*) AS n FROM api_keys WHERE environment_id = ? AND expires_at IS NULL",
    environmentId,
  );
  const { api_keys: _, ...rest } = truth;
  const { api_keys: _z, ...zero } = ZERO;
  expect({ ...(stored ?? zero), ...keys }, environmentId).toEqual({ ...rest, api_keys_without_expiry: withoutExpiry });
  const db = openDatabase(env);
  const holdings = await environmentHoldings(db, (e) => storeOf(env, e, db), [environmentId]);
  expect(holdings.get(environmentId)).toEqual(truth);
  return truth;
}

/** In one environment: users, organizations (one with a connection and a membership), a webhook endpoint. */
async function fill(s: Session, teamId: string, environmentId: string, api: EnvApi, tag: string) {
  const users = [];
  for (let i = 0; i < 3; i++) {
    const u = await api.post("/user_management/users", { email: `${tag}${i}@totals.test` });
    expect(u.status).toBe(201);
    users.push(u.body);
  }
  const orgs = [];
  for (let i = 0; i < 2; i++) {
    const o = await api.post("/organizations", { name: `${tag} org ${i}` });
    expect(o.status).toBe(201);
    orgs.push(o.body);
  }
  const conns = [
    await createConnection(s, teamId, environmentId, orgs[0].id, "A"),
    await createConnection(s, teamId, environmentId, orgs[0].id, "B"),
  ];
  expect(
    (await api.post("/user_management/organization_memberships", { organization_id: orgs[0].id, user_id: users[0].id })).status,
  ).toBe(201);
  const hook = await api.post("/webhook_endpoints", {
    endpoint_url: `http://127.0.0.1:9/hooks/${tag}`,
    events: ["user.created"],
  });
  expect(hook.status).toBe(201);
  return { users, orgs, conns, hook: hook.body };
}

describe("environment_totals", () => {
  it("a new environment starts at zero; a team's environments are counted from their creation", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s, "Totals zero");
    const [added] = await addEnvironments(s, team.id, project.id, 1);
    for (const e of [...environments, added])
      expect(await expectExact(e.id)).toEqual({ users: 0, organizations: 0, connections: 0, api_keys: 0, webhook_endpoints: 0 });
  });

  // In its own object (every environment created now), and in D1 (one not moved yet: D1's triggers still count it).
  it.each(["object", "d1"])(
    "equal the COUNT(*)s after creates and deletes through the APIs, and after cascades (%s)",
    async (where) => {
      const { s, team, staging, api } = await stagingApi("Totals exact");
      if (where === "d1") await d1("UPDATE environments SET data_location = 'd1' WHERE id = ?", staging.id);
      const made = await fill(s, team.id, staging.id, api, "exact");
      expect(await expectExact(staging.id)).toEqual({
        users: 3,
        organizations: 2,
        connections: 2,
        api_keys: 1,
        webhook_endpoints: 1,
      });

      // Deletes through the APIs.
      expect((await api.del(`/user_management/users/${made.users[2].id}`)).status).toBe(204);
      expect((await api.del(`/webhook_endpoints/${made.hook.id}`)).status).toBe(204);
      await mintKey(s, team.id, staging.id, "spare");
      expect(await expectExact(staging.id)).toMatchObject({ users: 2, webhook_endpoints: 0, api_keys: 2 });
      const keys = (await s.get(`/teams/${team.id}/environments/${staging.id}/api_keys`)).body.data as {
        id: string;
        name: string;
      }[];
      const spare = keys.find((k) => k.name === "spare")!;
      expect((await s.del(`/teams/${team.id}/environments/${staging.id}/api_keys/${spare.id}`)).status).toBe(204);
      // "Deleting" a key expires it: it stays listed, and counts no more.
      expect(await expectExact(staging.id)).toMatchObject({ api_keys: 1 });

      // Deleting an organization cascades to its connections and memberships: the connections' triggers fire.
      expect((await api.del(`/organizations/${made.orgs[0].id}`)).status).toBe(204);
      expect(await sql("SELECT id FROM connections WHERE organization_id = ?", made.orgs[0].id)).toEqual([]);
      expect(await expectExact(staging.id)).toEqual({
        users: 2,
        organizations: 1,
        connections: 0,
        api_keys: 1,
        webhook_endpoints: 0,
      });
    },
  );

  it("the keys total counts live keys only: not one expired at once, nor one whose expiry time has passed", async () => {
    const { s, team, staging } = await stagingApi("Totals keys");
    const keys = `/teams/${team.id}/environments/${staging.id}/api_keys`;
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect((await s.post(keys, { name: "expiring later", expires_at: later })).status).toBe(201);
    const doomed = await s.post(keys, { name: "expired at once" });
    expect((await s.del(`${keys}/${doomed.body.id}`)).status).toBe(204);
    const soon = await s.post(keys, { name: "expiring soon", expires_at: later });
    // Its expiry time passes: nothing is written then.
    await sql("UPDATE api_keys SET expires_at = ? WHERE id = ?", new Date(Date.now() - 1000).toISOString(), soon.body.id);
    const db = openDatabase(env);
    const holdings = await environmentHoldings(db, (e) => storeOf(env, e, db), [staging.id]);
    // The staging key minted with the team, and the one expiring later.
    expect(holdings.get(staging.id)?.api_keys).toBe(2);
    expect(await expectExact(staging.id)).toMatchObject({ api_keys: 2 });
    // An expiry lifted (a write): counted again.
    await sql("UPDATE api_keys SET expires_at = NULL WHERE id = ?", doomed.body.id);
    expect(await expectExact(staging.id)).toMatchObject({ api_keys: 3 });
  });

  it("an environment deleted with everything it holds leaves no totals row; the others are untouched", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s, "Totals delete");
    const [doomed] = await addEnvironments(s, team.id, project.id, 1);
    const api = envApi(await mintKey(s, team.id, doomed.id));
    await fill(s, team.id, doomed.id, api, "doomed");
    const keep = envApi(await mintKey(s, team.id, environments[0].id));
    await fill(s, team.id, environments[0].id, keep, "kept");
    const before = await expectExact(environments[0].id);
    expect(await expectExact(doomed.id)).toEqual({
      users: 3,
      organizations: 2,
      connections: 2,
      api_keys: 1,
      webhook_endpoints: 1,
    });

    const del = await s.del(`/teams/${team.id}/environments/${doomed.id}`);
    expect(del.status).toBe(204);
    expect(await d1("SELECT * FROM environment_totals WHERE environment_id = ?", doomed.id)).toEqual([]);
    expect(await d1("SELECT id FROM api_keys WHERE environment_id = ?", doomed.id)).toEqual([]);
    // Its object was emptied: no table left, its totals row with them.
    expect(await objectTables(doomed.id)).toBe(0);
    expect(await expectExact(environments[0].id)).toEqual(before);
  });

  it("move with their environment in a transfer (keyed by environment), and keep counting there", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s, "Totals transfer");
    const [moving] = await addEnvironments(s, team.id, project.id, 1);
    const api = envApi(await mintKey(s, team.id, moving.id));
    await fill(s, team.id, moving.id, api, "moving");
    const before = await expectExact(moving.id);
    const moved = await s.post(`/teams/${team.id}/projects`, {
      name: "Moved",
      transfer: { source_project_id: project.id, environment_ids: [moving.id], acknowledge: true },
    });
    expect(moved.status).toBe(201);
    expect((await sql<{ project_id: string }>("SELECT project_id FROM environments WHERE id = ?", moving.id))[0].project_id).toBe(
      moved.body.id,
    );
    expect(await expectExact(moving.id)).toEqual(before);
    expect((await api.post("/user_management/users", { email: "after@totals.test" })).status).toBe(201);
    expect(await expectExact(moving.id)).toEqual({ ...before, users: before.users + 1 });
    await expectExact(environments[0].id);
  });

  it("equal the COUNT(*)s after 20 simultaneous user creates and 10 deletes in one environment", async () => {
    const { staging, api } = await stagingApi("Totals race");
    const first = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api.post("/user_management/users", { email: `first${i}@race.test` })),
    );
    for (const r of first) expect(r.status).toBe(201);
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => api.post("/user_management/users", { email: `race${i}@race.test` })),
      ...first.map((r) => api.del(`/user_management/users/${r.body.id}`)),
      // Raced creates of one email: one wins, the other is refused and counts nothing.
      api.post("/user_management/users", { email: "same@race.test" }),
      api.post("/user_management/users", { email: "same@race.test" }),
    ]);
    expect(answers.slice(0, 20).map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(answers.slice(20, 30).map((a) => a.status)).toEqual(Array(10).fill(204));
    expect(
      answers
        .slice(30)
        .map((a) => a.status)
        .sort(),
    ).toEqual([201, 409]);
    expect(await expectExact(staging.id)).toMatchObject({ users: 21 });
  });

  it("every environment's totals equal its COUNT(*)s (the whole database, after this file's writes)", async () => {
    const environments = await d1<{ id: string }>("SELECT id FROM environments");
    expect(environments.length).toBeGreaterThan(0);
    for (const e of environments) await expectExact(e.id);
    expect(
      await d1("SELECT environment_id FROM environment_totals WHERE environment_id NOT IN (SELECT id FROM environments)"),
    ).toEqual([]);
  });
});

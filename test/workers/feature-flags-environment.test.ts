import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql as raw } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import * as schema from "../../src/db/schema";
import { storeOf } from "../../src/db/store-client";
import { batch } from "../../src/lib/batch";
import { newId } from "../../src/lib/ids";
import { addEnvFlagTarget } from "../../src/services/feature-flags";
import { call, d1, envApi, expectError, mintKey, sql, stagingApi, storeObject, storeSql } from "./helpers";
import type { FeatureFlag, List } from "./types";

/** An environment's data in its own object, through the product's client (as every surface writes it). */
const objectStore = (environmentId: string) => storeOf(env, { id: environmentId, dataLocation: "object" }, openDatabase(env));

/** How many tables an environment's object holds (none once its environment is deleted). */
const objectTables = (environmentId: string) =>
  runInDurableObject(
    storeObject(environmentId),
    async (_o, state) =>
      state.storage.sql
        .exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'")
        .one().n,
  );

/** What a request read, in D1 and in the environment's object. */
const rowsReadOf = (r: { headers: Headers }) =>
  Number(r.headers.get("X-D1-Rows-Read") ?? 0) + Number(r.headers.get("X-Store-Rows-Read") ?? 0);

/** A team with a staging key, a second environment (QA) of the same project, and flags defined in the project. */
async function setup(name = "Acme") {
  const ctx = await stagingApi(name);
  const { s, team, project } = ctx;
  const qa = (await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id })).body;
  const qaApi = envApi(await mintKey(s, team.id, qa.id));
  const define = (slug: string, default_value = false) =>
    s.post(`/teams/${team.id}/projects/${project.id}/feature_flags`, { slug, name: slug, default_value }).then((r) => {
      expect(r.status).toBe(201);
      return r.body;
    });
  return { ...ctx, qa, qaApi, define };
}

describe("feature flags: environment API", () => {
  it("a project's flag appears in every environment, disabled until enabled there; enable/disable are per environment", async () => {
    const { api, qaApi, define } = await setup();
    const flag = await define("beta");
    for (const a of [api, qaApi]) {
      const list = await a.get("/feature-flags");
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({
        object: "list",
        data: [{ object: "feature_flag", id: flag.id, slug: "beta", enabled: false, default_value: false, tags: [] }],
      });
    }
    const on = await api.put("/feature-flags/beta/enable", {});
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ slug: "beta", enabled: true });
    expect((await api.get("/feature-flags/beta")).body.enabled).toBe(true);
    expect((await qaApi.get("/feature-flags/beta")).body.enabled).toBe(false);
    expect((await api.put("/feature-flags/beta/enable", {})).body.enabled).toBe(true); // idempotent
    expect((await api.put("/feature-flags/beta/disable", {})).body.enabled).toBe(false);
    expectError(await api.get("/feature-flags/nope"), 404, "feature_flag_not_found");
    expectError(await api.put("/feature-flags/nope/enable", {}), 404, "feature_flag_not_found");
    expectError(await api.get("/feature-flags?limit=1000"), 400, "invalid_parameters");
  });

  it("a page of 100 flags, all enabled: the states and the rule bind their ids as one value (D1 binds at most 100)", async () => {
    const { api, project, staging } = await setup();
    const now = new Date().toISOString();
    // 120 flags on by default and enabled in staging, written directly (120 API calls would be slow).
    await sql(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120)
       INSERT INTO feature_flags (id, project_id, slug, name, description, tags, default_value, created_at, updated_at)
       SELECT printf('flag_%026d', i), ?, printf('many-%03d', i), 'Many', NULL, '[]', 1, ?, ? FROM n`,
      project.id,
      now,
      now,
    );
    // Their states in the environment's object (the flags themselves are the project's, in D1): the same ids.
    await objectStore(staging.id).run(
      raw`INSERT INTO feature_flag_states (environment_id, flag_id, enabled, created_at, updated_at)
          WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120)
          SELECT ${staging.id}, printf('flag_%026d', i), 1, ${now}, ${now} FROM n`,
    );
    expect(await storeSql(staging.id, "SELECT count(*) AS n FROM feature_flag_states")).toEqual([{ n: 120 }]);
    const page = await api.get("/feature-flags?limit=100");
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(100);
    expect(page.body.data.every((f: FeatureFlag) => f.enabled)).toBe(true);
    const user = (await api.post("/user_management/users", { email: "many@flags.test" })).body;
    const on = await api.get(`/user_management/users/${user.id}/feature-flags?limit=100`);
    expect(on.status).toBe(200);
    expect(on.body.data).toHaveLength(100);
    expect(Object.keys((await api.get("/sdk/feature-flags")).body)).toHaveLength(120);
  });

  it("targets: organizations and users of this environment only; evaluations follow the SDK's rules", async () => {
    const { api, qaApi, define } = await setup();
    await define("targeted");
    await define("on-by-default", true);
    await define("never-enabled", true);
    const org = (await api.post("/organizations", { name: "Org" })).body;
    const user = (await api.post("/user_management/users", { email: "u@x.test" })).body;
    const stranger = (await api.post("/user_management/users", { email: "s@x.test" })).body;
    const qaOrg = (await qaApi.post("/organizations", { name: "QA org" })).body;

    expect((await api.post(`/feature-flags/targeted/targets/${org.id}`, {})).status).toBe(204);
    expect((await api.post(`/feature-flags/targeted/targets/${org.id}`, {})).status).toBe(204); // idempotent
    expect((await api.post(`/feature-flags/targeted/targets/${user.id}`, {})).status).toBe(204);
    expectError(await api.post(`/feature-flags/targeted/targets/${qaOrg.id}`, {}), 404, "organization_not_found");
    expectError(await api.post("/feature-flags/targeted/targets/user_01K4BN3VKH8AFZC5J334QZY3PM", {}), 404, "user_not_found");
    expectError(await api.post("/feature-flags/targeted/targets/conn_123", {}), 404, "target_not_found");
    expectError(await api.post(`/feature-flags/nope/targets/${org.id}`, {}), 404, "feature_flag_not_found");

    const slugsFor = async (path: string) => (await api.get<List<FeatureFlag>>(path)).body.data.map((f) => f.slug).sort();
    // Disabled everywhere: nothing evaluates to true, whatever the targets or defaults.
    expect(await slugsFor(`/organizations/${org.id}/feature-flags`)).toEqual([]);
    await api.put("/feature-flags/targeted/enable", {});
    await api.put("/feature-flags/on-by-default/enable", {});
    expect(await slugsFor(`/organizations/${org.id}/feature-flags`)).toEqual(["on-by-default", "targeted"]);
    expect(await slugsFor(`/user_management/users/${user.id}/feature-flags`)).toEqual(["on-by-default", "targeted"]);
    expect(await slugsFor(`/user_management/users/${stranger.id}/feature-flags`)).toEqual(["on-by-default"]);
    const evaluated = await api.get(`/organizations/${org.id}/feature-flags`);
    expect(evaluated.body.data[0]).toMatchObject({ object: "feature_flag", enabled: true });

    // The runtime client's payload: every flag keyed by slug, with its targets.
    const poll = await api.get("/sdk/feature-flags");
    expect(poll.status).toBe(200);
    expect(poll.body).toEqual({
      targeted: {
        slug: "targeted",
        enabled: true,
        default_value: false,
        targets: { users: [{ id: user.id, enabled: true }], organizations: [{ id: org.id, enabled: true }] },
      },
      "on-by-default": { slug: "on-by-default", enabled: true, default_value: true, targets: { users: [], organizations: [] } },
      "never-enabled": { slug: "never-enabled", enabled: false, default_value: true, targets: { users: [], organizations: [] } },
    });
    // Another environment of the project sees the flags but none of this one's state.
    expect((await qaApi.get("/sdk/feature-flags")).body.targeted).toEqual({
      slug: "targeted",
      enabled: false,
      default_value: false,
      targets: { users: [], organizations: [] },
    });

    expect((await api.del(`/feature-flags/targeted/targets/${org.id}`)).status).toBe(204);
    expect((await api.del(`/feature-flags/targeted/targets/${org.id}`)).status).toBe(204); // idempotent
    expect(await slugsFor(`/organizations/${org.id}/feature-flags`)).toEqual(["on-by-default"]);
    expectError(await api.del(`/feature-flags/targeted/targets/${qaOrg.id}`), 404, "organization_not_found");

    // A deleted user's targets go with them: gone from the payload, and the user is not found as a target.
    await api.del(`/user_management/users/${user.id}`);
    expect((await api.get("/sdk/feature-flags")).body.targeted.targets.users).toEqual([]);
    expectError(await api.del(`/feature-flags/targeted/targets/${user.id}`), 404, "user_not_found");

    expectError(await api.get(`/organizations/${qaOrg.id}/feature-flags`), 404, "organization_not_found");
    expectError(await api.get("/user_management/users/nope/feature-flags"), 404, "user_not_found");
  });

  it("deleting a flag from the project removes it, its state and targets from every environment", async () => {
    const { s, team, project, api, define } = await setup();
    await define("gone");
    const org = (await api.post("/organizations", { name: "Org" })).body;
    await api.put("/feature-flags/gone/enable", {});
    await api.post(`/feature-flags/gone/targets/${org.id}`, {});
    expect((await s.del(`/teams/${team.id}/projects/${project.id}/feature_flags/gone`)).status).toBe(204);
    expectError(await api.get("/feature-flags/gone"), 404, "feature_flag_not_found");
    expect((await api.get("/sdk/feature-flags")).body).toEqual({});
  });

  it("a target goes with its user or organization, whichever way it is deleted; the SDK payload reads its flags, their states and targets + 4 rows", async () => {
    const { s, team, project, staging, api, define } = await setup();
    const FLAGS = 10;
    const SUBJECTS = 50; // per flag: 25 users and 25 organizations
    const T = "2026-01-01T00:00:00.000Z";
    const flags: { id: string }[] = [];
    for (let i = 0; i < FLAGS; i++) flags.push(await define(`flag-${i}`));
    // The subjects and targets straight into the environment's object, in one transaction (500 target requests
    // would only slow the test down).
    const userIds = Array.from({ length: SUBJECTS / 2 }, () => newId("user"));
    const orgIds = Array.from({ length: SUBJECTS / 2 }, () => newId("organization"));
    const store = objectStore(staging.id);
    await batch(store, [
      ...userIds.map((id, i) =>
        store
          .insert(schema.users)
          .values({ id, environmentId: staging.id, email: `u${i}@targets.test`, createdAt: T, updatedAt: T }),
      ),
      ...orgIds.map((id, i) =>
        store
          .insert(schema.organizations)
          .values({ id, environmentId: staging.id, name: `Org ${i}`, createdAt: T, updatedAt: T }),
      ),
      ...flags.flatMap((f) =>
        [...userIds, ...orgIds].map((target) =>
          store
            .insert(schema.featureFlagTargets)
            .values({ environmentId: staging.id, flagId: f.id, targetId: target, createdAt: T }),
        ),
      ),
    ]);
    const targetsOf = (id: string, environmentId = staging.id) =>
      sql<{ n: number }>(
        "SELECT count(*) AS n FROM feature_flag_targets WHERE environment_id = ? AND target_id = ?",
        environmentId,
        id,
      ).then((r) => r[0].n);

    // Deleted through the environment API (the dashboard's people pages call the same services).
    expect((await api.del(`/user_management/users/${userIds[0]}`)).status).toBe(204);
    expect((await api.del(`/organizations/${orgIds[0]}`)).status).toBe(204);
    expect(await targetsOf(userIds[0])).toBe(0);
    expect(await targetsOf(orgIds[0])).toBe(0);
    expect(await targetsOf(userIds[1])).toBe(FLAGS);

    // Every target left is of a user or organization that exists; the payload lists them all, reading each once.
    const targets = FLAGS * (SUBJECTS - 2);
    const poll = async (enabled: boolean) => {
      const r = await api.get("/sdk/feature-flags");
      expect(r.status).toBe(200);
      const entries = Object.values(r.body as Record<string, any>);
      expect(entries.map((f) => f.enabled)).toEqual(flags.map(() => enabled));
      const listed = entries.flatMap((f) => [...f.targets.users, ...f.targets.organizations].map((t) => t.id));
      expect(listed).toHaveLength(targets);
      expect(listed).not.toContain(userIds[0]);
      expect(listed).not.toContain(orgIds[0]);
      const rowsRead = rowsReadOf(r);
      console.log(
        `GET /sdk/feature-flags: ${rowsRead} rows read for ${FLAGS} flags (enabled: ${enabled}) and ${targets} targets`,
      );
      return rowsRead;
    };
    expect(await poll(false)).toBeLessThanOrEqual(FLAGS + targets + 4);
    // Enabled here: each flag's state is one more stored row the answer shows.
    await batch(
      store,
      flags.map((f) =>
        store
          .insert(schema.featureFlagStates)
          .values({ environmentId: staging.id, flagId: f.id, enabled: true, createdAt: T, updatedAt: T }),
      ),
    );
    expect(await poll(true)).toBeLessThanOrEqual(FLAGS + FLAGS + targets + 4);

    // A whole environment: its users, organizations and targets go together.
    const qa = (await s.post(`/teams/${team.id}/environments`, { name: "QA 2", project_id: project.id })).body;
    const qaApi = envApi(await mintKey(s, team.id, qa.id));
    const qaUser = (await qaApi.post("/user_management/users", { email: "qa@targets.test" })).body;
    expect((await qaApi.post(`/feature-flags/flag-0/targets/${qaUser.id}`, {})).status).toBe(204);
    expect(await targetsOf(qaUser.id, qa.id)).toBe(1);
    expect((await s.del(`/teams/${team.id}/environments/${qa.id}`)).status).toBe(204);
    // Emptied: its object holds no table any more, and nothing of it is in D1.
    expect(await objectTables(qa.id)).toBe(0);
    expect(await d1("SELECT target_id FROM feature_flag_targets WHERE environment_id = ?", qa.id)).toEqual([]);
  }, 30_000);

  it("a target added while its user is being deleted does not outlive them (404, no row)", async () => {
    const { staging, api, define } = await setup();
    await define("race");
    const user = (await api.post("/user_management/users", { email: "racing@targets.test" })).body;
    // The interleaving made deterministic: the user is deleted just before the target's INSERT runs.
    const deletingFirst = new Proxy(env.DB, {
      get(target, prop) {
        // A single write runs as a one-statement batch (lib/batch.ts): the delete goes first there too.
        if (prop === "batch")
          return async (statements: D1PreparedStatement[]) => {
            if (
              statements.some((s) =>
                /^insert into "feature_flag_targets"/i.test((s as unknown as { statement: string }).statement),
              )
            )
              await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(user.id).run();
            return target.batch(statements);
          };
        if (prop !== "prepare") return Reflect.get(target, prop);
        return (query: string) => {
          const stmt = target.prepare(query);
          if (!/^insert into "feature_flag_targets"/i.test(query)) return stmt;
          return new Proxy(stmt, {
            get(t, p) {
              const v = Reflect.get(t, p);
              if (typeof v !== "function") return v;
              if (p === "bind") return (...args: unknown[]) => new Proxy(t.bind(...args), this);
              if (p === "run" || p === "all" || p === "raw" || p === "first")
                return async (...args: unknown[]) => {
                  await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(user.id).run();
                  return v.apply(t, args);
                };
              return v.bind(t);
            },
          });
        };
      },
    });
    const db = drizzle(deletingFirst, { schema });
    const err = await addEnvFlagTarget(db, db, { id: staging.id, projectId: staging.project_id }, "race", user.id).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ status: 404, code: "user_not_found" });
    expect(await sql("SELECT * FROM feature_flag_targets WHERE target_id = ?", user.id)).toEqual([]);
  });

  it("the migration removes the targets that deleted users and organizations left behind", async () => {
    const { staging, api, define } = await setup();
    // A D1 migration cleans D1's rows: an environment not moved to its own object.
    await d1("UPDATE environments SET data_location = 'd1' WHERE id = ?", staging.id);
    const flag = await define("stale");
    const user = (await api.post("/user_management/users", { email: "kept@targets.test" })).body;
    expect((await api.post(`/feature-flags/stale/targets/${user.id}`, {})).status).toBe(204);
    const gone = [newId("user"), newId("organization")];
    for (const id of gone)
      await sql(
        "INSERT INTO feature_flag_targets (environment_id, flag_id, target_id, created_at) VALUES (?, ?, ?, ?)",
        staging.id,
        flag.id,
        id,
        new Date().toISOString(),
      );
    const migration = (env.TEST_MIGRATIONS as { name: string; queries: string[] }[]).find((m) => m.name.startsWith("0009_"));
    const cleanup = (migration?.queries ?? []).filter((q) => /DELETE FROM `feature_flag_targets`\s+WHERE NOT EXISTS/.test(q));
    expect(cleanup).toHaveLength(1);
    for (const q of cleanup) await env.DB.prepare(q).run();
    const left = await d1<{ target_id: string }>(
      "SELECT target_id FROM feature_flag_targets WHERE environment_id = ?",
      staging.id,
    );
    expect(left.map((r) => r.target_id)).toEqual([user.id]);
    expect(await objectTables(staging.id)).toBe(0); // it was all in D1
  });

  it("security: bad key 401, no key 401, another project's flags are invisible (404)", async () => {
    const mine = await setup("Mine");
    const theirs = await setup("Theirs");
    await theirs.define("secret-flag");
    expectError(await call("GET", "/feature-flags"), 401, "unauthorized");
    expectError(await call("GET", "/sdk/feature-flags", { token: "sk_test_nope" }), 401, "unauthorized");
    expectError(await mine.api.get("/feature-flags/secret-flag"), 404, "feature_flag_not_found");
    expectError(await mine.api.put("/feature-flags/secret-flag/enable", {}), 404, "feature_flag_not_found");
    expect((await mine.api.get("/feature-flags")).body.data).toEqual([]);
    expect((await mine.api.get("/sdk/feature-flags")).body).toEqual({});
    // Another team's organization as a target or evaluation subject: 404.
    await mine.define("mine");
    const theirOrg = (await theirs.api.post("/organizations", { name: "T" })).body;
    expectError(await mine.api.post(`/feature-flags/mine/targets/${theirOrg.id}`, {}), 404, "organization_not_found");
    expectError(await mine.api.get(`/organizations/${theirOrg.id}/feature-flags`), 404, "organization_not_found");
  });
});

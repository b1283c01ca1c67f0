import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { emptyDeletedStores } from "../../src/coordinator/store-deletions";
import { openDatabase } from "../../src/db/client";
import { users } from "../../src/db/schema";
import { storeOf } from "../../src/db/store-client";
import { d1, expectError, OTHER_CLIENT, session, stagingApi, storeObject } from "./helpers";

/** An environment whose data is in its object, holding one user (written the way every surface writes). */
async function environmentWithData() {
  const ctx = await stagingApi();
  await d1("UPDATE environments SET data_location = 'object' WHERE id = ?", ctx.staging.id);
  const store = storeOf(env, { id: ctx.staging.id, dataLocation: "object" }, openDatabase(env));
  await store.insert(users).values({ id: "user_01DELETED000000000000000", environmentId: ctx.staging.id, email: "a@b.test" });
  return ctx;
}

const contents = (id: string) =>
  runInDurableObject(storeObject(id), async (_o, state) => ({
    tables: state.storage.sql.exec("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'").one()
      .n,
    environment: state.storage.kv.get("environment_id") ?? null,
  }));

describe("deleting an environment whose data is in its own object", () => {
  it("commits in D1, then empties the object; nothing is left pending", async () => {
    const { s, team, staging } = await environmentWithData();
    expect((await contents(staging.id)).tables).toBeGreaterThan(20);
    expect((await s.del(`/teams/${team.id}/environments/${staging.id}`)).status).toBe(204);
    expect(await contents(staging.id)).toEqual({ tables: 0, environment: null });
    expect(await d1("SELECT * FROM store_deletions")).toEqual([]);
    expect((await s.get(`/teams/${team.id}/deletions`)).body.data).toEqual([]);
    // A request that was on its way cannot bring the data back.
    const late = storeOf(env, { id: staging.id, dataLocation: "object" }, openDatabase(env));
    await expect(
      late.insert(users).values({ id: "user_late", environmentId: staging.id, email: "c@d.test" }),
    ).rejects.toMatchObject({ cause: { code: "environment_unavailable" } });
    expect((await contents(staging.id)).tables).toBe(0);
  });

  it("an object that cannot be emptied stays pending, listed, until a retry empties it", async () => {
    const { s, team, project, staging } = await environmentWithData();
    // The deletion's batch queues the erasure with the delete itself.
    await d1(
      "INSERT INTO store_deletions (environment_id, team_id, project_id, requested_at) VALUES (?, ?, ?, ?)",
      staging.id,
      team.id,
      project.id,
      new Date().toISOString(),
    );
    const unreachable = {
      ...env,
      ENVIRONMENT_STORE: {
        idFromName: () => ({}),
        get: () => ({ destroy: () => Promise.reject(new Error("object overloaded")) }),
      },
    } as unknown as typeof env;
    expect(await emptyDeletedStores(unreachable, openDatabase(env), project.id)).toBe(true);
    const listed = await s.get(`/teams/${team.id}/deletions`);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ object: "environment_deletion", environment_id: staging.id, state: "pending", attempts: 1 }),
    ]);
    expect((await contents(staging.id)).tables).toBeGreaterThan(20);
    // The coordinator's alarm retries with the real object.
    expect(await emptyDeletedStores(env, openDatabase(env), project.id)).toBe(false);
    expect((await s.get(`/teams/${team.id}/deletions`)).body.data).toEqual([]);
    expect(await contents(staging.id)).toEqual({ tables: 0, environment: null });
  });

  it("deleting a project empties every object of its environments", async () => {
    const { s, team, project, staging, production } = await environmentWithData();
    await s.post(`/teams/${team.id}/projects`, { name: "Second" }); // a team keeps one project
    expect((await s.del(`/teams/${team.id}/projects/${project.id}`)).status).toBe(204);
    expect(await contents(staging.id)).toEqual({ tables: 0, environment: null });
    expect(await contents(production.id)).toEqual({ tables: 0, environment: null });
    expect(await d1("SELECT * FROM store_deletions")).toEqual([]);
  });

  it("another team's deletions are not visible (404)", async () => {
    const a = await stagingApi("A");
    const other = await session(OTHER_CLIENT);
    expectError(await other.get(`/teams/${a.team.id}/deletions`), 404, "team_not_found");
  });
});

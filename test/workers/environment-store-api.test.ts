import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { d1, envApi, expectError, mintKey, stagingApi, storeObject, storeSql } from "./helpers";

const holds = (id: string) =>
  runInDurableObject(storeObject(id), async (_o, state) => state.storage.kv.get("environment_id") !== undefined);

describe("the environment API served from each environment's object", () => {
  it("new environments keep their data in their own object, never in D1", async () => {
    const { staging, api } = await stagingApi();
    expect((await d1<{ data_location: string }>("SELECT data_location FROM environments WHERE id = ?", staging.id))[0]).toEqual({
      data_location: "object",
    });
    const user = await api.post("/user_management/users", { email: "ada@object.test" });
    expect(user.status).toBe(201);
    expect(await d1("SELECT id FROM users WHERE id = ?", user.body.id)).toEqual([]);
    expect(await storeSql(staging.id, "SELECT email FROM users WHERE id = ?", user.body.id)).toEqual([
      { email: "ada@object.test" },
    ]);
    // Its event and its usage counters were written in the same transaction, in the object.
    expect(await storeSql(staging.id, "SELECT event FROM events")).toEqual([{ event: "user.created" }]);
    expect(await storeSql(staging.id, "SELECT n FROM usage_counters WHERE period = 'total' AND metric = 'users'")).toEqual([
      { n: 1 },
    ]);
  });

  it("reads are counted in the object: a user by id reads about one row there, and only the key's lookup in D1", async () => {
    const { api } = await stagingApi();
    const user = await api.post("/user_management/users", { email: "grace@object.test" });
    const read = await api.get(`/user_management/users/${user.body.id}`);
    expect(read.status).toBe(200);
    expect(Number(read.headers.get("X-Store-Calls"))).toBe(1);
    expect(Number(read.headers.get("X-Store-Rows-Read"))).toBeGreaterThanOrEqual(1);
    expect(Number(read.headers.get("X-Store-Rows-Read"))).toBeLessThanOrEqual(1 + 4);
  });

  it("another environment's key never reaches this one's data, even with its ids (and touches no object of it)", async () => {
    const { s, team, staging, production, api } = await stagingApi();
    await s.put(`/teams/${team.id}/billing`, { billing_email: "b@acme.test", payment_method: "card 4242" });
    const other = envApi(await mintKey(s, team.id, production.id));
    const user = await api.post("/user_management/users", { email: "hidden@object.test" });
    const org = await api.post("/organizations", { name: "Hidden" });
    expectError(await other.get(`/user_management/users/${user.body.id}`), 404, "user_not_found");
    expectError(await other.get(`/organizations/${org.body.id}`), 404, "organization_not_found");
    expectError(await other.del(`/user_management/users/${user.body.id}`), 404, "user_not_found");
    expect((await other.get("/user_management/users")).body.data).toEqual([]);
    // The other environment's object was asked, found nothing of its own, and created nothing by being read.
    expect(await holds(staging.id)).toBe(true);
    expect((await api.get(`/user_management/users/${user.body.id}`)).status).toBe(200);
  });

  it("an object that fails answers 503 environment_unavailable; a retry with the same Idempotency-Key then creates once", async () => {
    const { staging, api } = await stagingApi();
    await api.post("/user_management/users", { email: "first@object.test" }); // the object exists
    await runInDurableObject(storeObject(staging.id), async (o) => {
      (o as unknown as { broken?: string }).broken = "a migration failed";
    });
    const headers = { "Idempotency-Key": "create-once" };
    expectError(await api.post("/user_management/users", { email: "once@object.test" }, headers), 503, "environment_unavailable");
    expectError(await api.get("/user_management/users"), 503, "environment_unavailable");
    await runInDurableObject(storeObject(staging.id), async (o) => {
      (o as unknown as { broken?: string }).broken = undefined;
    });
    const created = await api.post("/user_management/users", { email: "once@object.test" }, headers);
    expect(created.status).toBe(201);
    const replayed = await api.post("/user_management/users", { email: "once@object.test" }, headers);
    expect(replayed.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replayed.body.id).toBe(created.body.id);
    expect(await storeSql(staging.id, "SELECT count(*) AS n FROM users WHERE email = 'once@object.test'")).toEqual([{ n: 1 }]);
  });

  it("an environment that was only read holds no storage", async () => {
    const { staging, api } = await stagingApi();
    expect((await api.get("/user_management/users")).body.data).toEqual([]);
    expectError(await api.get("/organizations/org_01NOTHERE0000000000000000"), 404, "organization_not_found");
    expect((await api.get("/events")).status).toBe(200);
    expect(await holds(staging.id)).toBe(false);
  });

  it("a request whose write fails midway inside the object leaves nothing of it (one transaction); the retry applies once", async () => {
    const { staging, api } = await stagingApi();
    await api.post("/user_management/users", { email: "before@object.test" }); // the object exists
    // The event and the user are written, then the usage counter is refused: the whole write must go.
    await runInDurableObject(storeObject(staging.id), async (_o, state) => {
      state.storage.sql.exec(
        "CREATE TRIGGER fail_counters BEFORE INSERT ON usage_counters BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
      );
    });
    const headers = { "Idempotency-Key": "midway" };
    const failed = await api.post("/user_management/users", { email: "midway@object.test" }, headers);
    expect(failed.status).toBe(500);
    const count = async (query: string) => (await storeSql<{ n: number }>(staging.id, query))[0].n;
    expect(await count("SELECT count(*) AS n FROM users WHERE email = 'midway@object.test'")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM events")).toBe(1);
    expect(await count("SELECT users AS n FROM environment_totals")).toBe(1);
    expect(await count("SELECT n FROM usage_counters WHERE period = 'total' AND metric = 'users'")).toBe(1);
    await runInDurableObject(storeObject(staging.id), async (_o, state) => {
      state.storage.sql.exec("DROP TRIGGER fail_counters");
    });
    // The failed request released its key: the retry with it creates the user, once.
    const retried = await api.post("/user_management/users", { email: "midway@object.test" }, headers);
    expect(retried.status).toBe(201);
    expect(await count("SELECT count(*) AS n FROM users WHERE email = 'midway@object.test'")).toBe(1);
    expect(await count("SELECT users AS n FROM environment_totals")).toBe(2);
  });
});

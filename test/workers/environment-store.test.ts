import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/db/client";
import { passwordFailures, usageCounters, users } from "../../src/db/schema";
import { storeOf, storeStub } from "../../src/db/store-client";
import { STORE_TABLES } from "../../src/db/store-tables";
import { STORE_MIGRATIONS } from "../../src/environment-store/migrations";
import { rollUpUsage } from "../../src/environment-store/usage-rollup";
import { batch, runCounted } from "../../src/lib/batch";
import { d1, stagingApi, storeObject } from "./helpers";

/** An environment id no test of this file shares: each test gets its own object. */
let n = 0;
const environmentId = () => `environment_01STORE${String(++n).padStart(19, "0")}`;
const userRow = (environment: string, i: number) => ({
  id: `user_01STORE${String(i).padStart(19, "0")}`,
  environmentId: environment,
  email: `u${i}@example.com`,
  emailVerified: false,
});

describe("EnvironmentStore: one environment's data in its own SQLite object", () => {
  it("has D1's columns for every store table (one schema, generated from D1's migrations)", async () => {
    const id = environmentId();
    const store = storeOf(env, { id, dataLocation: "object" }, openDatabase(env));
    await store.insert(users).values(userRow(id, 1)); // the first write creates the schema
    const columns = async (read: (table: string) => Promise<{ name: string; type: string; notnull: number }[]>) =>
      Object.fromEntries(
        await Promise.all(STORE_TABLES.map(async (t) => [t, (await read(t)).map((c) => `${c.name} ${c.type} ${c.notnull}`)])),
      );
    const inObject = await runInDurableObject(storeObject(id), async (_o, state) =>
      columns(async (t) =>
        state.storage.sql.exec<{ name: string; type: string; notnull: number }>(`PRAGMA table_info(${t})`).toArray(),
      ),
    );
    const inD1 = await columns((t) => d1(`PRAGMA table_info(${t})`));
    expect(inObject).toEqual(inD1);
  });

  it("writes and reads through the Worker's client, one transaction per batch", async () => {
    const id = environmentId();
    const store = storeOf(env, { id, dataLocation: "object" }, openDatabase(env));
    await batch(store, [store.insert(users).values(userRow(id, 2)), store.insert(users).values(userRow(id, 3))]);
    const rows = await store.select().from(users).where(eq(users.environmentId, id));
    expect(rows.map((r) => r.email).sort()).toEqual(["u2@example.com", "u3@example.com"]);
    const one = await store
      .select()
      .from(users)
      .where(eq(users.id, userRow(id, 2).id))
      .get();
    expect(one?.emailVerified).toBe(false);
    expect(await runCounted(store, store.update(users).set({ firstName: "Ada" }).where(eq(users.environmentId, id)))).toBe(2);
    // A batch whose second statement fails leaves nothing of the first.
    await expect(
      batch(store, [store.insert(users).values(userRow(id, 4)), store.insert(users).values(userRow(id, 2))]),
    ).rejects.toThrow(/UNIQUE constraint failed/);
    expect(
      await store
        .select()
        .from(users)
        .where(eq(users.id, userRow(id, 4).id))
        .get(),
    ).toBeUndefined();
    // Nothing of it is in D1.
    expect(await d1("SELECT id FROM users WHERE environment_id = ?", id)).toEqual([]);
    // The object counted what it holds, in the write's own transaction (triggers).
    const totals = await runInDurableObject(storeObject(id), async (_o, state) =>
      state.storage.sql.exec("SELECT users FROM environment_totals WHERE environment_id = ?", id).one(),
    );
    expect(totals.users).toBe(2);
  });

  it("reads of an environment that never wrote answer nothing and create no storage", async () => {
    const id = environmentId();
    const store = storeOf(env, { id, dataLocation: "object" }, openDatabase(env));
    expect(await store.select().from(users).where(eq(users.environmentId, id))).toEqual([]);
    expect(await store.select().from(users).where(eq(users.id, "user_x")).get()).toBeUndefined();
    const state = await runInDurableObject(storeObject(id), async (_o, s) => ({
      tables: s.storage.sql.exec("SELECT count(*) AS n FROM sqlite_master WHERE name NOT LIKE '_cf_%'").one().n,
      key: s.storage.kv.get("environment_id"),
    }));
    expect(state).toEqual({ tables: 0, key: undefined });
  });

  it("refuses a call for another environment (a guessed id never reaches another environment's rows)", async () => {
    const id = environmentId();
    const store = storeOf(env, { id, dataLocation: "object" }, openDatabase(env));
    await store.insert(users).values(userRow(id, 5));
    const other = environmentId();
    // The object of `id`, asked for `other`'s data: refused, whatever the SQL says.
    const asked = await storeStub(env, id).query(other, { sql: "SELECT id FROM users", params: [], method: "all" });
    expect(asked).toEqual({ refused: expect.stringMatching(/environment_unavailable: wrong environment/) });
  });

  it("an object made with an earlier schema gets the newer migrations applied, its data kept", async () => {
    const id = environmentId();
    const store = storeOf(env, { id, dataLocation: "object" }, openDatabase(env));
    await store.insert(users).values(userRow(id, 7));
    const last = STORE_MIGRATIONS.journal.entries.at(-1)!;
    const indexes = (state: DurableObjectState) =>
      state.storage.sql
        .exec<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'email_verifications_environment_idx'",
        )
        .toArray();
    // As an object made before the last migration: without its index, and without its record.
    await runInDurableObject(storeObject(id), async (_o, state) => {
      state.storage.sql.exec("DROP INDEX email_verifications_environment_idx");
      state.storage.sql.exec("DELETE FROM __drizzle_migrations WHERE created_at = ?", last.when);
    });
    const after = await runInDurableObject(storeObject(id), async (instance, state) => {
      expect(indexes(state)).toEqual([]);
      await instance.migrate(STORE_MIGRATIONS); // what its constructor runs after a deploy
      return indexes(state);
    });
    expect(after).toEqual([{ name: "email_verifications_environment_idx" }]);
    expect(await store.select({ email: users.email }).from(users)).toEqual([{ email: "u7@example.com" }]);
  });

  it("a migration that fails leaves the schema as it was and answers 503 environment_unavailable", async () => {
    const id = environmentId();
    const store = storeOf(env, { id, dataLocation: "object" }, openDatabase(env));
    await store.insert(users).values(userRow(id, 6));
    // The next migration after those the object has: it adds a column, then fails on a table that does not exist.
    const next = STORE_MIGRATIONS.journal.entries.length;
    const broken = {
      journal: {
        entries: [
          ...STORE_MIGRATIONS.journal.entries,
          { idx: next, when: next + 1, tag: `${String(next).padStart(4, "0")}_broken`, breakpoints: true },
        ],
      },
      migrations: {
        ...STORE_MIGRATIONS.migrations,
        [`m${String(next).padStart(4, "0")}`]:
          "ALTER TABLE users ADD COLUMN nickname text;\n--> statement-breakpoint\nALTER TABLE no_such_table ADD COLUMN x text;",
      },
    } as unknown as typeof STORE_MIGRATIONS;
    const columns = await runInDurableObject(storeObject(id), async (instance, state) => {
      await instance.migrate(broken);
      return state.storage.sql
        .exec("PRAGMA table_info(users)")
        .toArray()
        .map((c) => c.name);
    });
    expect(columns).not.toContain("nickname");
    await expect(store.select().from(users)).rejects.toMatchObject({
      cause: { code: "environment_unavailable", status: 503 },
    });
    // A deploy with a migration that works heals it.
    await runInDurableObject(storeObject(id), async (instance) => instance.migrate(STORE_MIGRATIONS));
    expect(await store.select().from(users)).toHaveLength(1);
  });

  it("rolls its usage counters up into D1 after a write, and a replayed roll-up changes nothing", async () => {
    const { staging } = await stagingApi();
    const store = storeOf(env, { id: staging.id, dataLocation: "object" }, openDatabase(env));
    const counters = (n: number) => [
      { environmentId: staging.id, period: "2031-01", metric: "users" as const, n },
      { environmentId: staging.id, period: "total", metric: "users" as const, n },
    ];
    await store.insert(usageCounters).values(counters(3));
    const inD1 = () => d1("SELECT period, n FROM usage_counters WHERE environment_id = ? ORDER BY period", staging.id);
    await vi.waitFor(async () =>
      expect(await inD1()).toEqual([
        { period: "2031-01", n: 3 },
        { period: "total", n: 3 },
      ]),
    );
    // A later write rolls up again, under a newer version.
    await store.update(usageCounters).set({ n: 5 });
    await vi.waitFor(async () =>
      expect(await inD1()).toEqual([
        { period: "2031-01", n: 5 },
        { period: "total", n: 5 },
      ]),
    );
    const [{ version }] = await d1<{ version: number }>("SELECT version FROM usage_rollups WHERE environment_id = ?", staging.id);
    // A late roll-up (an older version) and a replayed one (the same version) change nothing.
    const rows = [{ period: "2031-01", metric: "users" as const, n: 1 }];
    expect(await rollUpUsage(openDatabase(env), staging.id, version - 1, rows)).toBe(false);
    await rollUpUsage(openDatabase(env), staging.id, version, [
      { period: "2031-01", metric: "users", n: 5 },
      { period: "total", metric: "users", n: 5 },
    ]);
    expect(await inD1()).toEqual([
      { period: "2031-01", n: 5 },
      { period: "total", n: 5 },
    ]);
  });

  it("deletes its expired sign-in rows from its alarm, hourly", async () => {
    const id = environmentId();
    const store = storeOf(env, { id, dataLocation: "object" }, openDatabase(env));
    const old = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    await store.insert(passwordFailures).values([
      { environmentId: id, email: "old@x.test", clientAddress: "1.1.1.1", createdAt: old },
      { environmentId: id, email: "new@x.test", clientAddress: "1.1.1.1" },
    ]);
    const stub = storeObject(id);
    // Not due yet: the alarm leaves them.
    await runDurableObjectAlarm(stub);
    expect(await store.select({ email: passwordFailures.email }).from(passwordFailures)).toHaveLength(2);
    await runInDurableObject(stub, async (_o, state) => state.storage.kv.put("cleanup_at", Date.now() - 1));
    await runDurableObjectAlarm(stub);
    expect(await store.select({ email: passwordFailures.email }).from(passwordFailures)).toEqual([{ email: "new@x.test" }]);
    // The next one is an hour away.
    const next = await runInDurableObject(stub, async (_o, state) => state.storage.kv.get<number>("cleanup_at"));
    expect(next).toBeGreaterThan(Date.now() + 59 * 60 * 1000);
  });
});

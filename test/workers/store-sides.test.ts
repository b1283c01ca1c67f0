import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema";
import { STORE_TABLES } from "../../src/db/store-tables";
import type { Database, StoreDatabase } from "../../src/env";
import { recordAuditEvent } from "../../src/services/audit-logs";
import { sessionForLogout } from "../../src/services/browser-sessions";
import { environmentHoldings } from "../../src/services/environment-summary";
import {
  addEnvFlagTarget,
  enabledFlagSlugsFor,
  getEnvFlag,
  listEnvFlags,
  listFlagsFor,
  pollPayload,
  removeEnvFlagTarget,
  repointFlagStates,
  setEnvFlagEnabled,
} from "../../src/services/feature-flags";
import { deliverDue } from "../../src/webhooks/deliver";
import { sql, stagingApi } from "./helpers";

/**
 * The services that read both sides run every query on one side only: D1 (`db`) never names an environment-data
 * table, the store never a control-plane table. Both clients are D1 here, each behind a check of the tables its
 * statements name. (`environment_totals`, `usage_counters` and `idempotency_keys` are on both sides.)
 */
const BOTH = new Set(["environment_totals", "usage_counters", "idempotency_keys"]);
const storeOnly = new Set<string>(STORE_TABLES.filter((t) => !BOTH.has(t)));

function checked(side: "d1" | "store", seen: string[]) {
  const named = (query: string) =>
    [...query.matchAll(/\b(?:from|join|into)\s+"?(\w+)"?|\bupdate\s+"(\w+)"/gi)].map((m) => m[1] ?? m[2]);
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop !== "prepare") return Reflect.get(target, prop);
      return (query: string) => {
        for (const table of named(query)) {
          if (table === "json_each") continue;
          const wrong = side === "d1" ? storeOnly.has(table) : !storeOnly.has(table) && !BOTH.has(table);
          if (wrong) throw new Error(`${side} ran a statement on ${table}: ${query}`);
          seen.push(`${side}:${table}`);
        }
        return target.prepare(query);
      };
    },
  });
  return drizzle(db, { schema });
}

describe("store sides", () => {
  it("feature flags, audit logs, holdings, webhook delivery and logout split their queries by side", async () => {
    const { s, team, project, staging, api } = await stagingApi();
    // Both checked clients are D1: the environment's data is in D1 here (an environment not moved).
    await sql("UPDATE environments SET data_location = 'd1' WHERE id = ?", staging.id);
    const seen: string[] = [];
    const d1 = checked("d1", seen) as unknown as Database;
    const store = checked("store", seen) as unknown as StoreDatabase;
    // The check itself refuses a statement of the wrong side.
    expect(() => d1.select().from(schema.users).all()).toThrow("d1 ran a statement on users");
    expect(() => store.select().from(schema.environments).all()).toThrow("store ran a statement on environments");

    for (const slug of ["a", "b"])
      expect((await s.post(`/teams/${team.id}/projects/${project.id}/feature_flags`, { slug, name: slug })).status).toBe(201);
    const user = (await api.post("/user_management/users", { email: "sides@store.test" })).body;
    const org = (await api.post("/organizations", { name: "Sides" })).body;
    const flagEnv = { id: staging.id, projectId: project.id };
    const page = { limit: 10, order: "asc" as const };

    expect((await setEnvFlagEnabled(d1, store, flagEnv, "a", true)).enabled).toBe(true);
    await addEnvFlagTarget(d1, store, flagEnv, "a", user.id);
    expect((await getEnvFlag(d1, store, flagEnv, "a")).enabled).toBe(true);
    expect((await listEnvFlags(d1, store, flagEnv, page)).data.map((f) => f.slug)).toEqual(["a", "b"]);
    expect((await listFlagsFor(d1, store, flagEnv, user.id, page)).data.map((f) => f.slug)).toEqual(["a"]);
    expect(await enabledFlagSlugsFor(d1, store, flagEnv, [user.id, org.id])).toEqual(["a"]);
    expect((await pollPayload(d1, store, flagEnv)).a).toMatchObject({ enabled: true, targets: { users: [{ id: user.id }] } });
    await removeEnvFlagTarget(d1, store, flagEnv, "a", user.id);

    const environment = (await sql<{ id: string }>("SELECT id FROM environments WHERE id = ?", staging.id))[0];
    const row = await d1.query.environments.findFirst({ where: (e, { eq }) => eq(e.id, environment.id) });
    const event = {
      action: "user.signed_in",
      occurred_at: new Date().toISOString(),
      actor: { id: "u", type: "user" },
      targets: [],
      context: { location: "1.2.3.4" },
    };
    expect(await recordAuditEvent(d1, store, row!, org.id, event, undefined)).toEqual({ success: true });

    const holdings = await environmentHoldings(d1, () => store, [staging.id]);
    expect(holdings.get(staging.id)).toMatchObject({ users: 1, organizations: 1 });

    expect(await deliverDue(d1, store, staging.id)).toBeNull();
    expect(await sessionForLogout(d1, store, "session_none")).toBeUndefined();

    // A transfer's re-pointing: the pairs from D1, the states' copy in the store.
    const b = (await s.post(`/teams/${team.id}/projects`, { name: "B", production: false })).body;
    expect((await s.post(`/teams/${team.id}/projects/${b.id}/feature_flags`, { slug: "a", name: "a" })).status).toBe(201);
    await repointFlagStates(d1, () => store, project.id, b.id, [staging.id]);
    expect(
      await sql(
        "SELECT f.project_id FROM feature_flag_states s JOIN feature_flags f ON f.id = s.flag_id WHERE s.environment_id = ?",
        staging.id,
      ),
    ).toEqual([{ project_id: b.id }]);

    // Both sides were used (the check saw statements of each).
    expect(seen.some((t) => t.startsWith("d1:"))).toBe(true);
    expect(seen.some((t) => t.startsWith("store:"))).toBe(true);
  });
});

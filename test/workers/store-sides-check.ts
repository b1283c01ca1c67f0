/**
 * After each test file: nothing of an environment whose data lives in its own object is in D1's copies of the
 * store tables (src/db/store-tables.ts). A write that went to D1's `db` instead of the environment's store would
 * otherwise go unnoticed by a test that reads back through the same wrong side.
 */
import { afterAll, expect } from "vitest";
import { STORE_TABLES } from "../../src/db/store-tables";
import { d1 } from "./helpers";

// Tables with an environment_id column; D1 keeps its own rows of these two for every environment (the roll-up,
// the api-key totals), and idempotency keys are keyed by owner.
const SHARED = new Set(["usage_counters", "environment_totals", "idempotency_keys", "webhook_delivery_attempts"]);

afterAll(async () => {
  const strays: Record<string, number> = {};
  for (const table of STORE_TABLES.filter((t) => !SHARED.has(t))) {
    const [{ n }] = await d1<{ n: number }>(
      `SELECT count(*) AS n FROM ${table} WHERE environment_id IN (SELECT id FROM environments WHERE data_location = 'object')`,
    );
    if (n > 0) strays[table] = n;
  }
  expect(strays, "rows of environments whose data is in their object, written to D1 instead").toEqual({});
});

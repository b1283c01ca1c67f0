import { drizzle } from "drizzle-orm/d1";
import type { Database, Env } from "../env";
import { type DbMetrics, meteredD1 } from "../lib/db-metrics";
import * as schema from "./schema";

/** A drizzle client over the D1 binding (metered when DB_METRICS=1). */
export function openDatabase(env: Env, metrics?: DbMetrics): Database {
  const binding = metrics ? meteredD1(env.DB, metrics) : env.DB;
  return drizzle(binding, { schema });
}

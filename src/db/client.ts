import { drizzle } from "drizzle-orm/d1";
import type { Database, Env } from "../env";
import { type DbMetrics, meteredD1 } from "../lib/db-metrics";
import * as schema from "./schema";

/**
 * One drizzle client per binding, per isolate: building one walks the whole schema, which would
 * otherwise be on the request path of every call. A metered client counts one request's statements, so it is made for that request.
 */
const clients = new WeakMap<D1Database, Database>();
const metered = new WeakMap<Database, DbMetrics>();

/** What a metered client counts (undefined for the shared, unmetered one): the store's client adds its own to it. */
export const metricsOf = (db: Database) => metered.get(db);

/** A drizzle client over the D1 binding (metered when DB_METRICS=1). */
export function openDatabase(env: Env, metrics?: DbMetrics): Database {
  if (metrics) {
    const db = drizzle(meteredD1(env.DB, metrics), { schema });
    metered.set(db, metrics);
    return db;
  }
  let client = clients.get(env.DB);
  if (!client) {
    client = drizzle(env.DB, { schema });
    clients.set(env.DB, client);
  }
  return client;
}

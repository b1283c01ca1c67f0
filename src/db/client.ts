import { drizzle } from "drizzle-orm/d1";
import type { Database, Env } from "../env";
import { type DbMetrics, meteredD1 } from "../lib/db-metrics";
import * as schema from "./schema";

/**
 * One drizzle client per binding, per isolate: building one walks the whole schema, which would
 * otherwise be on the request path of every call. A metered client counts one request's statements, so it is made for that request.
 */
const clients = new WeakMap<D1Database, Database>();

/** A drizzle client over the D1 binding (metered when DB_METRICS=1). */
export function openDatabase(env: Env, metrics?: DbMetrics): Database {
  if (metrics) return drizzle(meteredD1(env.DB, metrics), { schema });
  let client = clients.get(env.DB);
  if (!client) {
    client = drizzle(env.DB, { schema });
    clients.set(env.DB, client);
  }
  return client;
}

import { drizzle } from "drizzle-orm/sqlite-proxy";
import type { Database, StoreDatabase } from "../env";
import { ApiError } from "../lib/errors";

/** One statement as drizzle's sqlite-proxy driver hands it over (store-client.ts's StoreQuery). */
interface StoreQuery {
  sql: string;
  params: unknown[];
  method: "run" | "all" | "values" | "get";
}

/** The D1 binding under a drizzle client (metered when the request's client is). */
export const d1Of = (db: Database) => (db as unknown as { $client: D1Database }).$client;

/** Seconds a client is told to wait before retrying a write while its environment is moving (Retry-After). */
const RETRY_AFTER_SECONDS = 2;

/** A plain read: a SELECT, or a WITH that writes nothing (a CTE may lead an INSERT, UPDATE or DELETE). */
const isRead = (sql: string) =>
  /^\s*select\b/i.test(sql) || (/^\s*with\b/i.test(sql) && !/\b(insert|update|delete|replace)\s/i.test(sql));

const refuse = (): never => {
  throw new ApiError("environment_migrating", undefined, { retry_after: RETRY_AFTER_SECONDS });
};

/**
 * The client of an environment whose data is being moved into its object (`npm run migrate:environments`): its
 * reads are served from D1, where the data still is, whole; any other statement is refused with a 503
 * `environment_migrating` (Retry-After) before it runs, so nothing is written to D1 that the move would not copy.
 */
export function movingClient(db: Database): StoreDatabase {
  const d1 = d1Of(db);
  const read = async ({ sql, params, method }: StoreQuery) => {
    if (!isRead(sql)) return refuse();
    if (method === "run") return { rows: [] };
    const rows = await d1
      .prepare(sql)
      .bind(...params)
      .raw();
    return { rows: method === "get" ? (rows[0] as unknown[]) : rows };
  };
  return drizzle(
    (sql: string, params: unknown[], method: StoreQuery["method"]) => read({ sql, params, method }),
    async (queries: StoreQuery[]) => {
      if (!queries.every((q) => isRead(q.sql))) return refuse();
      const answers = [];
      for (const q of queries) answers.push(await read(q));
      return answers;
    },
  );
}

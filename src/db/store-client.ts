import { drizzle } from "drizzle-orm/sqlite-proxy";
import type { Database, Env, StoreDatabase } from "../env";
import { ApiError } from "../lib/errors";
import { metricsOf } from "./client";
import type { environments } from "./schema";
import { movingClient } from "./store-moving";

type EnvironmentRow = typeof environments.$inferSelect;

/** One statement as drizzle's sqlite-proxy driver hands it over. */
export interface StoreQuery {
  sql: string;
  params: unknown[];
  method: "run" | "all" | "values" | "get";
}

/** What the object answers for one statement: raw rows (arrays of values), and what reading it cost. */
export interface StoreAnswer {
  rows: unknown[];
  /** The rows' column names, in order. */
  columns: string[];
  meta: { changes: number; rows_read: number; rows_written: number };
}

/**
 * A statement the object's database refused (a constraint, a guard), or a call it refused (another environment, a
 * schema it could not migrate): answered as a value, not thrown across the RPC (which the runtime would log as an
 * uncaught exception in the object for every 409). `answered()` turns it back into the error it was.
 */
export interface StoreRefusal {
  refused: string;
}

/** The object's answer, or its refusal thrown as an Error with the database's own message. */
export function answered<T>(answer: T | StoreRefusal): T {
  if (answer !== null && typeof answer === "object" && "refused" in answer) throw new Error(answer.refused);
  return answer;
}

/**
 * The RPC methods of an environment's object (src/environment-store/store.ts implements them). Every method
 * names the environment it is called for, and the object refuses any other: a stub reached with another
 * environment's id can never read this one's data.
 */
export interface EnvironmentStoreRpc {
  query(environmentId: string, query: StoreQuery): Promise<StoreAnswer | StoreRefusal>;
  batch(environmentId: string, queries: StoreQuery[]): Promise<StoreAnswer[] | StoreRefusal>;
  /** Erases everything the object holds (its environment was deleted from D1); idempotent. */
  destroy(environmentId: string): Promise<void>;
  /** Serves one environment API request inside the object (src/environment-store/serve.ts). */
  serve(request: Request, environment: EnvironmentRow): Promise<Response>;
}

/** How a service that reaches several environments gets each one's data (callers pass `(e) => storeOf(env, e, db)`). */
export type StoreFor = (environment: Pick<EnvironmentRow, "id" | "dataLocation">) => StoreDatabase;

/** An environment's object: one per environment, named by its id. */
export function storeStub(env: Env, environmentId: string) {
  const ns = env.ENVIRONMENT_STORE;
  return ns.get(ns.idFromName(environmentId)) as unknown as EnvironmentStoreRpc;
}

/**
 * The client of an environment's data (see `StoreDatabase`): where its row says the data lives. Every surface
 * gets it from here, once the environment is known: D1's own client for an environment not moved yet (D1 read-only for
 * one being moved: its reads are still served from D1, its writes refused, src/db/store-moving.ts), otherwise drizzle's
 * sqlite-proxy client of the environment's object, one RPC per statement or batch.
 */
export function storeOf(env: Env, environment: Pick<EnvironmentRow, "id" | "dataLocation">, db: Database): StoreDatabase {
  if (environment.dataLocation === "moving") return movingClient(db);
  if (environment.dataLocation !== "object") return db;
  const stub = storeStub(env, environment.id);
  const metrics = metricsOf(db);
  const count = (answers: StoreAnswer[]) => {
    if (!metrics) return;
    metrics.storeCalls++;
    for (const a of answers) {
      metrics.storeRowsRead += a.meta.rows_read;
      metrics.storeRowsWritten += a.meta.rows_written;
    }
  };
  return drizzle(
    async (sql: string, params: unknown[], method: StoreQuery["method"]) => {
      const answer = await reach(async () => answered(await stub.query(environment.id, { sql, params, method })));
      count([answer]);
      return answer;
    },
    async (queries: StoreQuery[]) => {
      const answers = await reach(async () => answered(await stub.batch(environment.id, queries)));
      count(answers);
      return answers;
    },
  );
}

/**
 * Calls the object. A statement the database refused (a constraint, a guard) is the caller's to handle and passes
 * through as it is; anything else (the object unreachable, reset, over its limits, its schema not migrated) is a 503
 * `environment_unavailable`: the call changed nothing that a retry would repeat (each call is one transaction,
 * and idempotency keys are kept in the object with the writes they guard).
 */
export async function reach<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const message = String((err as Error)?.message ?? err);
    if (/SQLITE_CONSTRAINT|constraint failed/i.test(message)) throw err;
    console.error(JSON.stringify({ environment_store: "unavailable", error: message.slice(0, 300) }));
    throw new ApiError("environment_unavailable", "This environment's data is unavailable right now; retry shortly.");
  }
}

import type { BatchItem } from "drizzle-orm/batch";
import type { StoreDatabase } from "../env";

export type Statement = BatchItem<"sqlite">;

/** What a statement without `RETURNING` answers in a batch, on every driver: how many rows it changed. */
export interface RunResult {
  meta: { changes: number };
}

/**
 * Runs statements as one transaction: all commit or none. Takes a plain array so callers can compose statements.
 *
 * On D1 and on the Worker's client of an environment's object this is the driver's `batch()` (D1 has no
 * interactive transactions; `db.transaction()` fails on it). Inside the object (`drizzle-orm/durable-sqlite`, which
 * has no `batch()`) the statements run synchronously in one `transactionSync`, so nothing else can interleave,
 * and a statement without `RETURNING` answers `{ meta: { changes } }` as it does on the other two.
 */
export function batch(db: StoreDatabase, statements: Statement[]): Promise<unknown[]> {
  if (statements.length === 0) throw new Error("empty batch");
  if ("batch" in db && typeof db.batch === "function") return (db.batch as (s: Statement[]) => Promise<unknown[]>)(statements);
  const storage = (db as unknown as { $client: DurableObjectStorage }).$client;
  try {
    return Promise.resolve(
      storage.transactionSync(() =>
        statements.map((statement) => {
          // drizzle's own batch() prepares its statements the same way (SQLiteSession.batch).
          const prepared = (statement as unknown as { _prepare(): Prepared })._prepare();
          const method = prepared.executeMethod;
          if (method !== "run") return prepared[method]();
          prepared.run();
          const changes = storage.sql.exec<{ n: number }>("SELECT changes() AS n").one().n;
          return { meta: { changes } } satisfies RunResult;
        }),
      ),
    );
  } catch (err) {
    return Promise.reject(err);
  }
}

/** A prepared statement of `drizzle-orm/durable-sqlite`: its methods run synchronously. */
interface Prepared {
  executeMethod: "run" | "all" | "get" | "values";
  run(): unknown;
  all(): unknown;
  get(): unknown;
  values(): unknown;
}

/** Runs one write and answers how many rows it changed, on every driver. */
export async function runCounted(db: StoreDatabase, statement: Statement): Promise<number> {
  if (!("batch" in db)) return ((await batch(db, [statement]))[0] as RunResult).meta.changes;
  // D1's run() answers its meta; so does the client of an object (src/db/store-client.ts).
  return ((await (statement as unknown as { run(): Promise<RunResult> }).run()) as RunResult).meta.changes;
}

import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../env";

export type Statement = BatchItem<"sqlite">;

/**
 * Runs statements as one D1 batch: one SQL transaction, all commit or none (D1 has no interactive
 * transactions; `db.transaction()` fails on it). Takes a plain array so callers can compose statements.
 */
export function batch(db: Database, statements: Statement[]) {
  if (statements.length === 0) throw new Error("empty batch");
  return db.batch(statements as [Statement, ...Statement[]]);
}

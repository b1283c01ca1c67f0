import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { environments } from "./teams";

/**
 * The progress of moving an environment's data out of D1 into its own object (migrations/0015_environment_moves.sql,
 * src/services/environment-moves.ts): one row per environment, kept after the move as its record.
 */
export const environmentMoves = sqliteTable("environment_moves", {
  environmentId: text("environment_id")
    .primaryKey()
    .references(() => environments.id, { onDelete: "cascade" }),
  /**
   * precopy (served from D1) → copy ('moving') → verify → settle ('object') → delete → done; `failed` when the copy
   * never checked out (the environment is served from D1 again).
   */
  phase: text("phase", { enum: ["precopy", "copy", "verify", "settle", "delete", "done", "failed"] }).notNull(),
  /** The table the phase is at (null when it has none). */
  tableName: text("table_name"),
  /** The order key of the last row the phase finished in that table (JSON), null at its start. */
  cursor: text("cursor"),
  /** Copies made so far (a copy whose checksums differ starts over, into an emptied object). */
  attempt: integer("attempt").notNull().default(1),
  /** When the move started (its first pass, while the environment is still served from D1). */
  startedAt: text("started_at").notNull(),
  /** When the environment turned 'moving': its writes are refused from then on. */
  movingAt: text("moving_at"),
  /** When it turned 'object': its writes are served again, by its object. */
  objectAt: text("object_at"),
  finishedAt: text("finished_at"),
  updatedAt: text("updated_at").notNull(),
  lastError: text("last_error"),
});

/**
 * Per moved table: rows copied, and each side's count and chained checksum: D1's taken from the pages as they are
 * copied, the object's computed from its own rows (with the key it has reached).
 */
export const environmentMoveTables = sqliteTable(
  "environment_move_tables",
  {
    environmentId: text("environment_id")
      .notNull()
      .references(() => environmentMoves.environmentId, { onDelete: "cascade" }),
    tableName: text("table_name").notNull(),
    rowsCopied: integer("rows_copied").notNull().default(0),
    d1Rows: integer("d1_rows").notNull().default(0),
    d1Checksum: text("d1_checksum").notNull().default(""),
    d1Done: integer("d1_done", { mode: "boolean" }).notNull().default(false),
    objectRows: integer("object_rows").notNull().default(0),
    objectChecksum: text("object_checksum").notNull().default(""),
    objectCursor: text("object_cursor"),
    objectDone: integer("object_done", { mode: "boolean" }).notNull().default(false),
    /** Whether D1's side is read again before the flip (its copy began while writes may still have been landing). */
    recheck: integer("recheck", { mode: "boolean" }).notNull().default(false),
    recheckRows: integer("recheck_rows").notNull().default(0),
    recheckChecksum: text("recheck_checksum").notNull().default(""),
    recheckDone: integer("recheck_done", { mode: "boolean" }).notNull().default(false),
    rowsDeleted: integer("rows_deleted").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.tableName] })],
);

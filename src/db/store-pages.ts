import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";
import type { STORE_TABLES } from "./store-tables";

type StoreTable = (typeof STORE_TABLES)[number];

/**
 * Reading one environment's rows of a store table page by page, in one fixed order, the same way in D1 and in the
 * environment's object: moving an environment copies these pages, and checks the copy by a count and a checksum
 * that both sides compute over the same pages (src/services/environment-moves.ts, src/environment-store/import.ts).
 */

/**
 * The tables an environment's move copies, parents before children (the object's foreign keys hold as rows arrive).
 * `environment_totals` is not copied: the object's triggers count the rows as they arrive, and the move compares
 * its totals with D1's instead.
 */
export const MOVED_TABLES = [
  "organizations",
  "users",
  "webhook_endpoints",
  "events",
  "organization_domains",
  "organization_memberships",
  "connections",
  "webhook_deliveries",
  "webhook_delivery_attempts",
  "feature_flag_states",
  "feature_flag_targets",
  "audit_log_events",
  "usage_counters",
  "idempotency_keys",
  "signing_keys",
  "user_sessions",
  "refresh_tokens",
  "authorization_codes",
  "email_verifications",
  "magic_auths",
  "pending_authentications",
  "user_password_resets",
  "user_invitations",
  "password_failures",
  "browser_sessions",
] as const satisfies readonly Exclude<StoreTable, "environment_totals">[];

export type MovedTable = (typeof MOVED_TABLES)[number];

/** Rows per page (attempts: deliveries per page, each with its few attempts). */
export const PAGE_ROWS = 500;

/** Where a page starts: the order key of the last row of the previous page (null: the first page). */
export type PageCursor = (string | number)[] | null;

export interface Page {
  /** The rows, each an array of the table's columns (`columnsOf`), in the table's order. */
  rows: unknown[][];
  /** The key to read the next page after. */
  next: PageCursor;
  /** Whether this was the last page. */
  done: boolean;
}

/** Runs one read and answers raw rows: D1's `.raw()`, or the object's `sql.exec(…).raw()`. */
export type RawRead = (sql: string, params: unknown[]) => Promise<unknown[][]> | unknown[][];

interface Plan {
  table: MovedTable;
  columns: string[];
  primary: string[];
  /** The order key: the primary key, less the column that selects the environment. */
  key: string[];
  /** How the environment's rows are selected. */
  by: "environment_id" | "scope" | "delivery";
}

const tables = new Map<string, SQLiteTable>(
  (Object.values(schema) as unknown[])
    .filter((t): t is SQLiteTable => is(t, SQLiteTable))
    .map((t) => [getTableConfig(t).name, t]),
);

function planOf(table: MovedTable): Plan {
  const drizzleTable = tables.get(table);
  if (!drizzleTable) throw new Error(`store table ${table} is not in the drizzle schema`);
  const config = getTableConfig(drizzleTable);
  const columns = config.columns.map((c) => c.name);
  const primary = config.primaryKeys[0]?.columns.map((c) => c.name) ?? config.columns.filter((c) => c.primary).map((c) => c.name);
  const by = table === "webhook_delivery_attempts" ? "delivery" : table === "idempotency_keys" ? "scope" : "environment_id";
  if (by === "environment_id" && !columns.includes("environment_id")) throw new Error(`${table} has no environment_id`);
  return { table, columns, primary, key: primary.filter((c) => c !== by), by };
}

const plans = new Map(MOVED_TABLES.map((t) => [t, planOf(t)]));

export const isMovedTable = (table: string): table is MovedTable => plans.has(table as MovedTable);

/** The table's columns, in the order of every page's rows. */
export const columnsOf = (table: MovedTable) => (plans.get(table) as Plan).columns;

/** The value that selects an environment's rows of a table (idempotency keys are kept per owner). */
export const ownerValue = (table: MovedTable, environmentId: string) =>
  (plans.get(table) as Plan).by === "scope" ? `environment:${environmentId}` : environmentId;

/** Whether a row (in `columnsOf` order) belongs to the environment; attempts are checked through their delivery. */
export function rowBelongs(table: MovedTable, row: unknown[], environmentId: string) {
  const plan = plans.get(table) as Plan;
  if (plan.by === "delivery") return true;
  return row[plan.columns.indexOf(plan.by)] === ownerValue(table, environmentId);
}

const q = (name: string) => `"${name}"`;
const tuple = (names: string[], prefix = "") =>
  names.length === 1 ? `${prefix}${q(names[0])}` : `(${names.map((n) => `${prefix}${q(n)}`).join(", ")})`;
const placeholders = (n: number) => (n === 1 ? "?" : `(${Array(n).fill("?").join(", ")})`);

/**
 * Reads one page of an environment's rows of a table, after `after`, in the order of its key.
 * Attempts have no environment: a page is the attempts of the environment's next `limit` deliveries (their order
 * key is the delivery's), so that a page never reads the attempts of another environment.
 */
export async function readPage(
  read: RawRead,
  table: MovedTable,
  environmentId: string,
  after: PageCursor,
  limit = PAGE_ROWS,
): Promise<Page> {
  const plan = plans.get(table) as Plan;
  if (plan.by === "delivery") {
    const cols = plan.columns.map((c) => `a.${q(c)}`).join(", ");
    const raw = await read(
      `SELECT d."id", ${cols} FROM (SELECT "id" FROM "webhook_deliveries" WHERE "environment_id" = ?${after ? ` AND "id" > ?` : ""} ORDER BY "id" LIMIT ?) d
       LEFT JOIN "webhook_delivery_attempts" a ON a."delivery_id" = d."id" ORDER BY d."id", a."id"`,
      after ? [environmentId, after[0], limit] : [environmentId, limit],
    );
    const deliveries = new Set(raw.map((r) => r[0]));
    const rows = raw.filter((r) => r[1] !== null).map((r) => r.slice(1));
    const last = raw.at(-1)?.[0] as string | undefined;
    return { rows, next: last === undefined ? after : [last], done: deliveries.size < limit };
  }
  const cols = plan.columns.map(q).join(", ");
  const keyIndexes = plan.key.map((k) => plan.columns.indexOf(k));
  const raw = await read(
    `SELECT ${cols} FROM ${q(table)} WHERE ${q(plan.by)} = ?${after ? ` AND ${tuple(plan.key)} > ${placeholders(plan.key.length)}` : ""}
     ORDER BY ${plan.key.map(q).join(", ")} LIMIT ?`,
    after ? [ownerValue(table, environmentId), ...after, limit] : [ownerValue(table, environmentId), limit],
  );
  const last = raw.at(-1);
  return {
    rows: raw,
    next: last ? (keyIndexes.map((i) => last[i]) as (string | number)[]) : after,
    done: raw.length < limit,
  };
}

/**
 * The range of keys a page covers: after `after` (from the start when null), up to `upTo` inclusive (to the end when
 * null: the last page). Two sides whose rows in every page's range are equal hold the same rows.
 */
function rangeWhere(plan: Plan, after: PageCursor, upTo: PageCursor, prefix = "") {
  const key = plan.by === "delivery" ? ["id"] : plan.key;
  const t = tuple(key, prefix);
  const marks = placeholders(key.length);
  return {
    sql: `${after ? ` AND ${t} > ${marks}` : ""}${upTo ? ` AND ${t} <= ${marks}` : ""}`,
    params: [...(after ?? []), ...(upTo ?? [])],
  };
}

/** An environment's rows of a table whose key is in a page's range (see `rangeWhere`), in the order of pages. */
export async function readRange(read: RawRead, table: MovedTable, environmentId: string, after: PageCursor, upTo: PageCursor) {
  const plan = plans.get(table) as Plan;
  if (plan.by === "delivery") {
    const range = rangeWhere(plan, after, upTo, "d.");
    return (await read(
      `SELECT ${plan.columns.map((c) => `a.${q(c)}`).join(", ")} FROM "webhook_deliveries" d JOIN "webhook_delivery_attempts" a ON a."delivery_id" = d."id"
       WHERE d."environment_id" = ?${range.sql} ORDER BY d."id", a."id"`,
      [environmentId, ...range.params],
    )) as unknown[][];
  }
  const range = rangeWhere(plan, after, upTo);
  return (await read(
    `SELECT ${plan.columns.map(q).join(", ")} FROM ${q(table)} WHERE ${q(plan.by)} = ?${range.sql} ORDER BY ${plan.key.map(q).join(", ")}`,
    [ownerValue(table, environmentId), ...range.params],
  )) as unknown[][];
}

/**
 * Deletes an environment's rows of a table in a page's range whose key is not one of the page's (`?` last: the page's
 * rows as JSON): what the other side no longer holds.
 */
export function deleteMissing(table: MovedTable, environmentId: string, after: PageCursor, upTo: PageCursor, rowsJson: string) {
  const plan = plans.get(table) as Plan;
  const keyAt = (k: string) => `json_extract(value, '$[${plan.columns.indexOf(k)}]')`;
  if (plan.by === "delivery") {
    const range = rangeWhere(plan, after, upTo);
    return {
      sql: `DELETE FROM "webhook_delivery_attempts" WHERE "delivery_id" IN (SELECT "id" FROM "webhook_deliveries" WHERE "environment_id" = ?${range.sql})
        AND "id" NOT IN (SELECT ${keyAt("id")} FROM json_each(?))`,
      params: [environmentId, ...range.params, rowsJson],
    };
  }
  const range = rangeWhere(plan, after, upTo);
  return {
    sql: `DELETE FROM ${q(table)} WHERE ${q(plan.by)} = ?${range.sql}
      AND ${tuple(plan.key)} NOT IN (SELECT ${plan.key.map(keyAt).join(", ")} FROM json_each(?))`,
    params: [ownerValue(table, environmentId), ...range.params, rowsJson],
  };
}

/**
 * An environment's rows of a table, one bounded batch at a time, for deleting them from D1 after its move: the
 * statement deletes the next `limit` of them (children are deleted before their parents, so no cascade runs long)
 * and returns a row per row it deleted (D1's `changes` counts what its triggers changed too).
 */
export function deleteStatement(table: MovedTable, environmentId: string, limit = PAGE_ROWS) {
  const plan = plans.get(table) as Plan;
  if (plan.by === "delivery")
    return {
      sql: `DELETE FROM "webhook_delivery_attempts" WHERE "id" IN (SELECT a."id" FROM "webhook_deliveries" d JOIN "webhook_delivery_attempts" a ON a."delivery_id" = d."id" WHERE d."environment_id" = ? LIMIT ?) RETURNING 1`,
      params: [environmentId, limit],
    };
  const owner = ownerValue(table, environmentId);
  return {
    sql: `DELETE FROM ${q(table)} WHERE ${q(plan.by)} = ? AND ${tuple(plan.key)} IN (SELECT ${plan.key.map(q).join(", ")} FROM ${q(table)} WHERE ${q(plan.by)} = ? LIMIT ?) RETURNING 1`,
    params: [owner, owner, limit],
  };
}

/**
 * The moved tables the emptiness check does not ask, each with the table that holds its parent row in the same
 * environment: an attempt has no environment but its delivery's.
 */
export const FOUND_THROUGH: Partial<Record<MovedTable, MovedTable>> = {
  webhook_delivery_attempts: "webhook_deliveries",
};

/**
 * One query whether the environment holds any row of any moved table (an index seek per table asked), or any total
 * other than 0 (which an empty object's would not match).
 */
export function holdsAnyStatement(environmentId: string) {
  const asked = MOVED_TABLES.filter((t) => !FOUND_THROUGH[t]).map((t) => plans.get(t) as Plan);
  const counted = COUNTED_TOTALS.map((c) => `${q(c)} <> 0`).join(" OR ");
  return {
    sql: `SELECT ${[
      ...asked.map((p) => `EXISTS(SELECT 1 FROM ${q(p.table)} WHERE ${q(p.by)} = ?)`),
      `EXISTS(SELECT 1 FROM "environment_totals" WHERE "environment_id" = ? AND (${counted}))`,
    ].join(" OR ")} AS held`,
    params: [...asked.map((p) => ownerValue(p.table, environmentId)), environmentId],
  };
}

/**
 * An upsert of a page of rows by their primary key, the rows given as one JSON array of arrays (`?`): a page imported
 * twice (a move resumed after a crash) changes nothing, and no row is deleted and re-inserted (REPLACE would cascade
 * to the row's children and skip the counting triggers). JSON keeps the values' SQL types (text, integer, null).
 */
export function upsertStatement(table: MovedTable) {
  const plan = plans.get(table) as Plan;
  const rest = plan.columns.filter((c) => !plan.primary.includes(c));
  const values = plan.columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(", ");
  return `INSERT INTO ${q(table)} (${plan.columns.map(q).join(", ")}) SELECT ${values} FROM json_each(?) WHERE true
    ON CONFLICT (${plan.primary.map(q).join(", ")}) DO ${rest.length ? `UPDATE SET ${rest.map((c) => `${q(c)} = excluded.${q(c)}`).join(", ")}` : "NOTHING"}`;
}

/** A checksum chained over pages: SHA-256 of the previous one and the page's rows, each as JSON, one per line. */
export async function chainChecksum(previous: string, rows: unknown[][]): Promise<string> {
  if (rows.length === 0) return previous;
  const text = `${previous}\n${rows.map((r) => JSON.stringify(r)).join("\n")}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The columns of `environment_totals` both sides count (API keys are D1's alone). */
export const COUNTED_TOTALS = ["users", "organizations", "connections", "webhook_endpoints"] as const;

/** How far a checksum of one table has gone: rows counted, the chained checksum, and where to go on. */
export interface ChecksumProgress {
  rows: number;
  checksum: string;
  next: PageCursor;
  done: boolean;
}

/**
 * The object's methods for a move (src/environment-store/store.ts): each names the environment it is called for,
 * and the object refuses any other, as it does for queries.
 */
export interface EnvironmentMoveRpc {
  /**
   * Makes the object's rows of a table in a page's key range the page's rows (one transaction); answers the rows
   * written, 0 when they were already equal.
   */
  syncPage(environmentId: string, table: MovedTable, after: PageCursor, upTo: PageCursor, rows: unknown[][]): Promise<number>;
  /** Counts and checksums the object's rows of a table, a bounded number of pages from `from` on. */
  checksum(environmentId: string, table: MovedTable, from: ChecksumProgress): Promise<ChecksumProgress>;
  /** The totals its triggers counted (`COUNTED_TOTALS`). */
  totals(environmentId: string): Promise<number[]>;
  /** Empties the object (a copy that did not check out starts over). */
  reset(environmentId: string): Promise<void>;
  /** The environment is served from the object now: its background work (deliveries, usage, cleanup) starts. */
  moved(environmentId: string): Promise<void>;
}

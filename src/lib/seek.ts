import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { StoreDatabase } from "../env";
import type { ListParams } from "./pagination";

/**
 * A list filtered by several values of one column (`events=a,b`, `statuses=active,pending`): an `IN (…)` makes
 * SQLite read every matching row and sort them (a temporary B-tree), whatever the page size. One SELECT per
 * value joined by UNION ALL under one ORDER BY id … LIMIT is planned as `MERGE (UNION ALL)`: each arm walks its
 * own index in id order and the merge stops at the limit, so a page reads about a page.
 *
 * `arms` are complete SELECTs (without ORDER BY / LIMIT) whose first result column is the id; `params` the list's,
 * as `paginate()` saw them (the arms carry its cursor condition). Rows come back as arrays of values in the arms'
 * column order (the one raw shape every driver answers alike); `rowFrom()` turns them into a table's typed row.
 */
export async function mergedSeeks(db: StoreDatabase, arms: SQL[], params: ListParams): Promise<unknown[][]> {
  const backwards = params.before !== undefined && params.after === undefined;
  const descending = backwards ? params.order !== "desc" : params.order === "desc";
  const query = sql`${sql.join(arms, sql` UNION ALL `)} ORDER BY 1 ${sql.raw(descending ? "DESC" : "ASC")} LIMIT ${params.limit + 1}`;
  return db.values<unknown[]>(query);
}

/**
 * A raw result row whose first columns are all of `table`'s, in its order (a `select().from(table)` or
 * `select({ m: table, … })`), as the table's typed row (field names, JSON and booleans decoded).
 */
export function rowFrom<T extends SQLiteTable>(table: T, raw: unknown[]): T["$inferSelect"] {
  const out: Record<string, unknown> = {};
  Object.entries(getTableColumns(table)).forEach(([key, col], i) => {
    const value = raw[i];
    out[key] = value === null || value === undefined ? null : col.mapFromDriverValue(value);
  });
  return out as T["$inferSelect"];
}

/** How many columns `rowFrom(table, …)` takes: a joined column selected after them is at this index. */
export const columnCount = (table: SQLiteTable) => Object.keys(getTableColumns(table)).length;

import {
  type ChecksumProgress,
  COUNTED_TOTALS,
  chainChecksum,
  columnsOf,
  deleteMissing,
  isMovedTable,
  type MovedTable,
  type PageCursor,
  readPage,
  readRange,
  rowBelongs,
  upsertStatement,
} from "../db/store-pages";

/**
 * What an environment's object does for the move of its data out of D1 (src/services/environment-moves.ts): it makes
 * each page's key range hold the page's rows, and answers a count and a checksum of what it holds, computed over the
 * same pages as the Worker computes them from D1 (src/db/store-pages.ts).
 */

/** Pages one checksum call reads at most (a call stays well under an object's limits). */
const CHECKSUM_PAGES = 20;

const refuse = (why: string): never => {
  throw new Error(`environment_unavailable: ${why}`);
};

/** Refuses a page that is not of a table a move copies, or holds a row that is not the environment's own. */
export function checkPage(environmentId: string, table: string, rows: unknown[][]): asserts table is MovedTable {
  if (!isMovedTable(table)) return refuse(`${table} is not a table a move copies`);
  const width = columnsOf(table).length;
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== width) refuse(`a row of ${table} does not have its ${width} columns`);
    if (!rowBelongs(table, row, environmentId)) refuse(`a row of ${table} belongs to another environment`);
  }
}

/**
 * Makes the object's rows of a table in a page's key range (after `after`, up to `upTo`; see store-pages.ts) the
 * page's rows, in one transaction: rows it holds that the page has not are deleted, the page's rows upserted by
 * primary key. A range that already holds exactly these rows is left as it is (a page copied again, after a crash or
 * by the second pass of a move, usually changes nothing). Every row must be the environment's own. Answers the rows
 * written (0 when the range was already equal).
 */
export async function syncRows(
  storage: DurableObjectStorage,
  environmentId: string,
  table: string,
  after: PageCursor,
  upTo: PageCursor,
  rows: unknown[][],
) {
  checkPage(environmentId, table, rows);
  const read = (sql: string, params: unknown[]) => Array.from(storage.sql.exec(sql, ...params).raw());
  const held = await readRange(read, table, environmentId, after, upTo);
  const json = JSON.stringify(rows);
  if (JSON.stringify(held) === json) return 0;
  const missing = deleteMissing(table, environmentId, after, upTo, json);
  storage.transactionSync(() => {
    storage.sql.exec(missing.sql, ...missing.params);
    // The page as one JSON parameter, upserted by one statement (rather than a statement per row).
    if (rows.length) storage.sql.exec(upsertStatement(table), json);
  });
  return rows.length;
}

/** Counts and checksums the object's rows of a table from `from` on, a bounded number of pages per call. */
export async function checksumRows(
  storage: DurableObjectStorage,
  environmentId: string,
  table: string,
  from: ChecksumProgress,
): Promise<ChecksumProgress> {
  if (!isMovedTable(table)) return refuse(`${table} is not a table a move copies`);
  const read = (sql: string, params: unknown[]) => Array.from(storage.sql.exec(sql, ...params).raw());
  let { rows, checksum, next } = from;
  for (let i = 0; i < CHECKSUM_PAGES; i++) {
    const page = await readPage(read, table as MovedTable, environmentId, next);
    rows += page.rows.length;
    checksum = await chainChecksum(checksum, page.rows);
    next = page.next;
    if (page.done) return { rows, checksum, next, done: true };
  }
  return { rows, checksum, next, done: false };
}

/** The totals the object's triggers counted as the rows arrived (zeros before its first row). */
export function countedTotals(storage: DurableObjectStorage, environmentId: string): number[] {
  const row = storage.sql
    .exec(
      `SELECT ${COUNTED_TOTALS.map((c) => `"${c}"`).join(", ")} FROM environment_totals WHERE environment_id = ?`,
      environmentId,
    )
    .raw()
    .next();
  return row.done ? COUNTED_TOTALS.map(() => 0) : (row.value as number[]);
}

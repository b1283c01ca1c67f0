/**
 * How a test reads (or changes) data directly, wherever it lives — shared by the workers suite (test/workers/helpers.ts)
 * and the node harness (test/node/harness.ts), which each reach D1 and the objects their own way.
 */
import type { StoreAnswer } from "../src/db/store-client";
import { STORE_TABLES } from "../src/db/store-tables";

export interface DataSides {
  /** A statement on D1. */
  d1<T>(query: string, ...params: unknown[]): Promise<T[]>;
  /** A statement in one environment's object. */
  storeSql<T>(environmentId: string, query: string, ...params: unknown[]): Promise<T[]>;
}

const STORE_TABLE = new RegExp(`\\b(${STORE_TABLES.join("|")})\\b`, "i");
const SINGLE_AGGREGATE = /^\s*select\s+(count|sum|total)\(/i;

/**
 * D1 for a statement of the control plane only. For one of an environment's tables (src/db/store-tables.ts): the
 * objects of the environments it names (an id among its parameters or in its text), and only there; or, naming none,
 * D1 (environments not moved) and every environment's object. Rows are the union; a lone aggregate (`SELECT count(*)
 * …` without GROUP BY) is summed across them. A deleted environment is no longer listed: assertions that an object
 * was emptied read that object itself.
 */
export async function sqlAnywhere<T>(sides: DataSides, query: string, params: unknown[]): Promise<T[]> {
  if (!STORE_TABLE.test(query)) return sides.d1<T>(query, ...params);
  const objects = (await sides.d1<{ id: string }>("SELECT id FROM environments WHERE data_location = 'object'")).map((r) => r.id);
  const named = objects.filter((id) => params.includes(id) || query.includes(id));
  const parts = named.length ? [] : [await sides.d1<T>(query, ...params)];
  for (const id of named.length ? named : objects) parts.push(await sides.storeSql<T>(id, query, ...params));
  if (!SINGLE_AGGREGATE.test(query) || /\bgroup\s+by\b/i.test(query)) return parts.flat();
  // Objects never written answer no row at all: D1's answer (no rows of theirs there) gives the aggregate's shape.
  if (parts.flat().length === 0) parts.push(await sides.d1<T>(query, ...params));
  const rows = parts.flat() as Record<string, unknown>[];
  const sum: Record<string, unknown> = { ...rows[0] };
  for (const key of Object.keys(sum))
    if (typeof sum[key] === "number") sum[key] = rows.reduce((n, r) => n + Number(r[key] ?? 0), 0);
  return [sum as T];
}

/** An object's raw answer (arrays of values) as rows keyed by column. */
export const rowsOf = <T>(answer: StoreAnswer): T[] =>
  answer.rows.map((row) => Object.fromEntries(answer.columns.map((c, i) => [c, (row as unknown[])[i]])) as T);

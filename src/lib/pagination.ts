import { and, asc, desc, gt, lt, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import * as v from "valibot";

/** The contract's list parameters, shared by every list endpoint. */
export const ListParams = v.object({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, "must be an integer from 1 to 100."),
      v.transform(Number),
      v.minValue(1, "must be an integer from 1 to 100."),
      v.maxValue(100, "must be an integer from 1 to 100."),
    ),
    "10",
  ),
  order: v.optional(v.picklist(["asc", "desc"], "must be asc or desc."), "desc"),
  before: v.optional(v.pipe(v.string(), v.maxLength(100))),
  after: v.optional(v.pipe(v.string(), v.maxLength(100))),
});
export type ListParams = v.InferOutput<typeof ListParams>;

export interface ListEnvelope<T> {
  object: "list";
  data: T[];
  list_metadata: { before: string | null; after: string | null };
}

/**
 * Cursor pagination over a time-ordered id column (ULIDs sort by creation).
 * `after` continues in the list's order, `before` goes back; both are exclusive.
 * Returns the where-clause, the order and the limit to query (one extra row tells whether more exist),
 * and `page()` to cut the rows and build `list_metadata`.
 *
 * @example
 * const q = paginate(environments.id, params);
 * const rows = await db.select().from(environments).where(and(eq(environments.teamId, id), q.where)).orderBy(q.orderBy).limit(q.limit);
 * return q.page(rows, serialize);
 */
export function paginate(idColumn: SQLiteColumn, params: ListParams) {
  const descending = params.order === "desc";
  const backwards = params.before !== undefined && params.after === undefined;
  // Walking backwards means querying in the opposite order, then restoring the list's order.
  const queryDescending = backwards ? !descending : descending;
  const cursor = backwards ? params.before : params.after;
  const where: SQL | undefined = cursor === undefined ? undefined : queryDescending ? lt(idColumn, cursor) : gt(idColumn, cursor);
  return {
    where,
    orderBy: queryDescending ? desc(idColumn) : asc(idColumn),
    limit: params.limit + 1,
    page<Row extends { id: string }, Out>(rows: Row[], serialize: (row: Row) => Out): ListEnvelope<Out> {
      const more = rows.length > params.limit;
      const kept = more ? rows.slice(0, params.limit) : rows;
      if (backwards) kept.reverse();
      const first = kept[0]?.id ?? null;
      const last = kept[kept.length - 1]?.id ?? null;
      return {
        object: "list",
        data: kept.map(serialize),
        list_metadata: backwards
          ? { before: more ? first : null, after: last }
          : { before: cursor !== undefined ? first : null, after: more ? last : null },
      };
    },
  };
}

/** `and()` that ignores undefined parts, for optional filters. */
export const where = (...parts: (SQL | undefined)[]) => and(...parts.filter((p): p is SQL => p !== undefined));

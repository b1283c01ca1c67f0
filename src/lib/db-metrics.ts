/**
 * What D1 billed a request: wraps the D1 binding so every statement's `meta.rows_read` / `rows_written`
 * is added up. Enabled by DB_METRICS=1 (dev and tests), reported as X-D1-Rows-Read / X-D1-Rows-Written (and
 * what an environment's object read and wrote for the request as X-Store-Rows-Read / X-Store-Rows-Written).
 *
 * drizzle reads rows with `raw()`, which drops `meta`; for read-only statements the wrapper runs the same
 * statement once more with `all()` to read its meta. Writes are never run twice: their methods return meta.
 */
export interface DbMetrics {
  rowsRead: number;
  rowsWritten: number;
  queries: number;
  /** The same, counted by an environment's object (its cursors' rowsRead/rowsWritten), and its RPCs. */
  storeRowsRead: number;
  storeRowsWritten: number;
  storeCalls: number;
}

/** Nothing counted yet. */
export const newMetrics = (): DbMetrics => ({
  rowsRead: 0,
  rowsWritten: 0,
  queries: 0,
  storeRowsRead: 0,
  storeRowsWritten: 0,
  storeCalls: 0,
});

export function meteredD1(db: D1Database, metrics: DbMetrics): D1Database {
  const record = (meta: { rows_read?: number; rows_written?: number } | undefined) => {
    metrics.queries++;
    metrics.rowsRead += meta?.rows_read ?? 0;
    metrics.rowsWritten += meta?.rows_written ?? 0;
  };
  const wrap = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const readOnly = /^\s*(select|with)\b/i.test(sql);
    return new Proxy(stmt, {
      get(target, prop) {
        if (prop === TARGET) return target;
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args), sql);
        if (prop === "all" || prop === "run")
          return async () => {
            const result = await target[prop]();
            record(result.meta);
            return result;
          };
        if (prop === "raw" || prop === "first")
          return async (...args: unknown[]) => {
            const result = await (target[prop] as (...a: unknown[]) => Promise<unknown>)(...args);
            if (readOnly) record((await target.all()).meta);
            else metrics.queries++;
            return result;
          };
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      if (prop === "batch")
        return async (stmts: D1PreparedStatement[]) => {
          const results = await target.batch(stmts.map(unwrap));
          for (const r of results) record(r.meta);
          return results;
        };
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

// D1's batch() needs its own statement objects, not proxies.
const TARGET = Symbol("target");
function unwrap(stmt: D1PreparedStatement): D1PreparedStatement {
  return ((stmt as unknown as Record<symbol, D1PreparedStatement>)[TARGET] ?? stmt) as D1PreparedStatement;
}

/** Headers a metered answer carries, by the counter they report. */
export const METRIC_HEADERS = {
  rowsRead: "X-D1-Rows-Read",
  rowsWritten: "X-D1-Rows-Written",
  queries: "X-D1-Queries",
  storeRowsRead: "X-Store-Rows-Read",
  storeRowsWritten: "X-Store-Rows-Written",
  storeCalls: "X-Store-Calls",
} as const satisfies Record<keyof DbMetrics, string>;

/** Adds what an environment's object reported on its answer (it serves a forwarded request) to this request's counts. */
export function addObjectMetrics(metrics: DbMetrics, headers: Headers) {
  for (const [key, header] of Object.entries(METRIC_HEADERS)) metrics[key as keyof DbMetrics] += Number(headers.get(header) ?? 0);
  metrics.storeCalls++;
}

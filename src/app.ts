import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { openDatabase } from "./db/client";
import type { DbMetrics } from "./lib/db-metrics";
import { ApiError } from "./lib/errors";
import { invariantViolation } from "./lib/invariants";
import { createRouter } from "./lib/router";

/**
 * The one app factory (also used by tests): request ids, the database, the error model and not-found.
 * Every answer carries X-Request-ID; every error is `{code, message}`; nothing unexpected leaks its message.
 */
export function createApp() {
  const app = createRouter();
  app.use(requestId({ headerName: "X-Request-ID" }));
  app.use(async (c, next) => {
    const metrics: DbMetrics | undefined = c.env.DB_METRICS === "1" ? { rowsRead: 0, rowsWritten: 0, queries: 0 } : undefined;
    c.set("db", openDatabase(c.env, metrics));
    await next();
    if (metrics) {
      c.header("X-D1-Rows-Read", String(metrics.rowsRead));
      c.header("X-D1-Rows-Written", String(metrics.rowsWritten));
      c.header("X-D1-Queries", String(metrics.queries));
    }
  });
  app.notFound((c) => c.json({ code: "not_found", message: `No route for ${c.req.method} ${c.req.path}.` }, 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(err.toJSON(), err.status);
    if (err instanceof HTTPException) {
      // Hono's own 4xx: the json validator's "Malformed JSON in request body" among them.
      const malformed = err.status === 400 && /json/i.test(err.message);
      const code = malformed ? "invalid_json" : err.status === 401 ? "unauthorized" : "bad_request";
      const message = malformed ? "The request body is not valid JSON." : err.message || "Bad request.";
      return c.json({ code, message }, err.status);
    }
    // A rule the database refused (a trigger or guard) when a write slipped around the coordinator.
    const violation = invariantViolation(err);
    if (violation) return c.json(violation.toJSON(), violation.status);
    console.error(JSON.stringify({ request_id: c.var.requestId, error: String(err), stack: (err as Error)?.stack }));
    return c.json({ code: "internal_error", message: `Something went wrong on our side. Request id: ${c.var.requestId}.` }, 500);
  });
  return app;
}

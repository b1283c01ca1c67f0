import { createMiddleware } from "hono/factory";
import { metricsOf } from "../db/client";
import { reach, storeOf, storeStub } from "../db/store-client";
import type { AppEnv } from "../env";
import { addObjectMetrics } from "../lib/db-metrics";
import { ApiError, unauthorized } from "../lib/errors";
import { environmentForKey } from "../services/api-keys";

/**
 * Authenticates an environment API request by its secret key (`Authorization: Bearer sk_…`).
 * The key selects exactly one environment: every query downstream is scoped by `c.var.environment.id`.
 * A locked production environment (team without billing) serves no requests.
 */
export const requireEnvironmentKey = createMiddleware<AppEnv>(async (c, next) => {
  const value = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!value) throw unauthorized("Missing API key. Send Authorization: Bearer sk_….");
  // Reads may reuse a lookup of the last 5 s in this isolate (the stated revocation delay); writes look the key up.
  const found = await environmentForKey(c.var.db, value, { cached: c.req.method === "GET" || c.req.method === "HEAD" });
  if (!found) throw unauthorized("Unknown, expired or revoked API key.");
  if (found.environment.production && found.productionEnabledAt === null) throw new ApiError("environment_locked");
  c.set("environment", found.environment);
  c.set("apiKey", found.key);
  await next();
});

/**
 * An environment whose data is in its own object is served there (the object sets the routes' store): the request goes over in one RPC, with the
 * environment the key selected, and the object runs the same routes (`environmentRoutes`) over its own database.
 * What the object read and wrote is added to this request's metrics. An object that cannot be reached is a 503
 * `environment_unavailable` (nothing was changed: the object's writes are transactions).
 */
export const forwardToStore = createMiddleware<AppEnv>(async (c, next) => {
  const environment = c.var.environment;
  if (environment.dataLocation !== "object") {
    // Served here, from D1 (or D1 read-only while it moves): the routes' store is D1's.
    c.set("store", storeOf(c.env, environment, c.var.db));
    return next();
  }
  const body = c.req.method === "GET" || c.req.method === "HEAD" ? undefined : await c.req.arrayBuffer();
  const headers = new Headers(c.req.raw.headers);
  headers.set("X-Request-ID", c.var.requestId);
  const request = new Request(c.req.url, { method: c.req.method, headers, body });
  const answer = await reach(() => storeStub(c.env, environment.id).serve(request, environment));
  const metrics = metricsOf(c.var.db);
  if (metrics) addObjectMetrics(metrics, answer.headers);
  // (a copy: the answer of an RPC has immutable headers, and the app adds its own)
  return new Response(answer.body, answer);
});

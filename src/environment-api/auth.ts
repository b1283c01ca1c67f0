import { createMiddleware } from "hono/factory";
import { storeOf } from "../db/store-client";
import type { AppEnv } from "../env";
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
  c.set("store", storeOf(c.env, found.environment, c.var.db));
  c.set("apiKey", found.key);
  await next();
});

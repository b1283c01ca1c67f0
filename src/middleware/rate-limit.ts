import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

/** The period of the rate limiting bindings in wrangler.toml (Workers rate limiting allows 10 or 60 s). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * 429 `rate_limited` (with Retry-After) once a caller exceeds its budget. Uses the Workers Rate Limiting
 * binding (per Cloudflare location, eventually consistent: a guard against floods, not a billing meter).
 *
 * @param limiterOf the binding to use (absent: no limit, e.g. a deployment without one)
 * @param keyOf whose budget a request spends: a platform client, an environment, an address
 */
export const rateLimit = (limiterOf: (c: Context<AppEnv>) => RateLimit | undefined, keyOf: (c: Context<AppEnv>) => string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const limiter = limiterOf(c);
    if (limiter && !(await limiter.limit({ key: keyOf(c) })).success) {
      c.header("Retry-After", String(RATE_LIMIT_PERIOD_SECONDS));
      throw new ApiError("rate_limited", `Too many requests. Retry in ${RATE_LIMIT_PERIOD_SECONDS} seconds.`);
    }
    await next();
  });

import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

/** The period of the rate limiting bindings in wrangler.toml (Workers rate limiting allows 10 or 60 s). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

const READS = new Set(["GET", "HEAD"]);

/** The caller's address, which failed attempts and per-address budgets are counted against (Cloudflare sets CF-Connecting-IP). */
export const clientAddress = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? "local";

/** Callers whose last verdict in this isolate was a refusal (bounded: the oldest is forgotten first). */
const refused = new Set<string>();
const MAX_REFUSED = 1_000;

/**
 * 429 `rate_limited` (with Retry-After) once a caller exceeds its budget. Uses the Workers Rate Limiting
 * binding (per Cloudflare location, eventually consistent: a guard against floods, not a billing meter).
 *
 * A read does not wait for the verdict before it runs: the limiter and the handler run side by side, and a
 * refused read answers 429 all the same (nothing is awaited on the request path that need not be). A
 * write waits for it: a refused write must change nothing. So does a read of a caller this isolate last saw
 * refused: under a flood the limiter still sheds the reads' load, not only their answers.
 *
 * @param limiterOf the binding to use (absent: no limit, e.g. a deployment without one)
 * @param keyOf whose budget a request spends: a platform client, an environment, an address
 */
export const rateLimit = (limiterOf: (c: Context<AppEnv>) => RateLimit | undefined, keyOf: (c: Context<AppEnv>) => string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const limiter = limiterOf(c);
    if (!limiter) return next();
    const key = keyOf(c);
    const verdict = limiter.limit({ key }).then(({ success }) => {
      if (success) refused.delete(key);
      else {
        if (refused.size >= MAX_REFUSED) refused.delete(refused.values().next().value!);
        refused.add(key);
      }
      return success;
    });
    if (READS.has(c.req.method) && !refused.has(key)) {
      const [handled, allowed] = await Promise.allSettled([next(), verdict]);
      if (allowed.status === "rejected") throw allowed.reason;
      if (!allowed.value) throw rateLimited(c);
      if (handled.status === "rejected") throw handled.reason;
      return;
    }
    if (!(await verdict)) throw rateLimited(c);
    await next();
  });

function rateLimited(c: Context<AppEnv>) {
  c.header("Retry-After", String(RATE_LIMIT_PERIOD_SECONDS));
  return new ApiError("rate_limited", `Too many requests. Retry in ${RATE_LIMIT_PERIOD_SECONDS} seconds.`);
}

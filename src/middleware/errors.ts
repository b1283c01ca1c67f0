import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env";
import { ApiError, type ErrorCode } from "../lib/errors";
import { invariantViolation } from "../lib/invariants";

/**
 * The error model of every surface: each answer is `{code, message, errors?}` with a code from the catalog
 * (lib/errors.ts) and the catalog's status; nothing unexpected leaks its message.
 */
export function onError(err: Error, c: Context<AppEnv>) {
  const known = toApiError(err);
  if (known) {
    // A refusal that says when to retry (the password throttle) says it in the standard header too.
    const retryAfter = known.details.retry_after;
    if (typeof retryAfter === "number") c.header("Retry-After", String(retryAfter));
    return c.json(known.toJSON(), known.status);
  }
  console.error(JSON.stringify({ request_id: c.var.requestId, error: String(err), stack: err?.stack }));
  const internal = new ApiError("internal_error", `Something went wrong on our side. Request id: ${c.var.requestId}.`);
  return c.json(internal.toJSON(), internal.status);
}

/** The answer for a path no route serves. */
export const notFoundHandler = (c: Context<AppEnv>) => {
  const err = noRoute(c.req.method, c.req.path);
  return c.json(err.toJSON(), err.status);
};

/** A 404 `not_found` naming the request (also the Platform API's catch-all, so /platform never falls through). */
export const noRoute = (method: string, path: string) => new ApiError("not_found", `No route for ${method} ${path}.`);

function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  // drizzle wraps what a driver threw (DrizzleQueryError); the client of an environment's object throws ours.
  if ((err as Error)?.cause instanceof ApiError) return (err as Error).cause as ApiError;
  if (err instanceof HTTPException) return fromHttpException(err);
  // A rule the database refused (a trigger or guard) when a write slipped around the coordinator.
  return invariantViolation(err) ?? undefined;
}

/** Hono's own HTTP errors (the json validator's "Malformed JSON in request body", csrf's 403…) in the catalog's terms. */
function fromHttpException(err: HTTPException): ApiError {
  if (err.status === 400 && /json/i.test(err.message)) return new ApiError("invalid_json", "The request body is not valid JSON.");
  const byStatus: Partial<Record<number, ErrorCode>> = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    415: "unsupported_media_type",
    429: "rate_limited",
  };
  const code = byStatus[err.status] ?? (err.status < 500 ? "bad_request" : "internal_error");
  // A 5xx's message stays ours.
  return new ApiError(code, code === "internal_error" ? undefined : err.message || undefined);
}

import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

/** How deeply a request body may nest objects and arrays. No route takes more than a few levels. */
export const MAX_JSON_DEPTH = 32;

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * JSON in, strictly, before anything else reads the body (validators, the idempotency key's hash, handlers):
 * - a non-empty body on a write must be `Content-Type: application/json` (parameters such as `charset` allowed),
 *   otherwise 415 `unsupported_media_type`. Without this, Hono's validator reads a `text/plain` body as `{}`
 *   and a `PUT` would reset what it replaces;
 * - it must be a JSON object nesting at most {@link MAX_JSON_DEPTH} levels, otherwise 400 `invalid_json`.
 * An empty body passes (routes without a body; routes that need one answer for it themselves).
 *
 * @param skip requests that keep another encoding (`POST /oauth2/token` is form-encoded, as OAuth requires;
 *   the dashboard posts HTML forms).
 */
export const jsonBody = (skip: (path: string) => boolean) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!WRITES.has(c.req.method) || skip(c.req.path)) return next();
    const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
    // Hono caches what is read: the validator and the handlers read the body again from there.
    if (mediaType !== "application/json") {
      if ((await c.req.arrayBuffer()).byteLength === 0) return next();
      throw new ApiError(
        "unsupported_media_type",
        `A request body must be sent as Content-Type: application/json, not ${mediaType ? `"${mediaType}"` : "nothing"}.`,
      );
    }
    const text = await c.req.text();
    if (text.length === 0) return next();
    if (nestsDeeperThan(text, MAX_JSON_DEPTH))
      throw new ApiError("invalid_json", `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError("invalid_json", "The request body is not valid JSON.");
    }
    if (body === null || typeof body !== "object" || Array.isArray(body))
      throw new ApiError("invalid_json", "The request body must be a JSON object.");
    await next();
  });

/**
 * Whether JSON text nests objects/arrays deeper than `max`, without parsing it and without recursion (a scan
 * counting brackets outside strings): safe on any input, including text that is not JSON at all.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

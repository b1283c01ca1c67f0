import { ENVIRONMENT_DATA, type ErrorCode } from "../lib/errors";
import { doc, type RouteDoc } from "../lib/openapi";

/**
 * A key of a locked production environment (its team has no billing) is refused on every route (auth.ts); every
 * route reaches the environment's data, which may be unreachable for a moment (its object) or being moved into its
 * object (writes refused meanwhile).
 */
const EVERY_ROUTE: ErrorCode[] = ["environment_locked", ...ENVIRONMENT_DATA];
/** A POST may carry an `Idempotency-Key` (middleware/idempotency.ts). */
const IDEMPOTENCY: ErrorCode[] = ["invalid_idempotency_key", "idempotency_key_reused", "idempotency_request_in_progress"];
/** A write without a body (enable, add a target…) still refuses a body of another media type or a malformed one. */
const BODYLESS_WRITE: ErrorCode[] = ["unsupported_media_type", "invalid_json"];

export interface EnvironmentRouteDoc extends Omit<RouteDoc, "security"> {
  /** POST: may answer the idempotency codes. */
  post?: boolean;
  /** A write that takes no body. */
  bodyless?: boolean;
}

/** `doc(…)` for a route of the environment API: the environment key's security and the codes every such route may answer. */
export const envDoc = ({ post, bodyless, ...route }: EnvironmentRouteDoc) =>
  doc({
    ...route,
    security: "environment",
    errors: [...EVERY_ROUTE, ...(post ? IDEMPOTENCY : []), ...(bodyless ? BODYLESS_WRITE : []), ...(route.errors ?? [])],
  });

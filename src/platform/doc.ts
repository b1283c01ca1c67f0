import { ENVIRONMENT_DATA, type ErrorCode } from "../lib/errors";

/** Error codes that several Platform API routes document. */

/** What the path's resources answer (src/middleware/path-resources.ts). */
export const IN_TEAM: ErrorCode[] = ["team_not_found"];
export const IN_PROJECT: ErrorCode[] = ["team_not_found", "project_not_found"];
export const IN_ENVIRONMENT: ErrorCode[] = ["team_not_found", "environment_not_found"];
/** A route that reads or writes the environment's data (its own object: src/db/store-client.ts). */
export const OF_ENVIRONMENT_DATA: ErrorCode[] = [...IN_ENVIRONMENT, ...ENVIRONMENT_DATA];
/** What a POST may answer for its `Idempotency-Key` (src/middleware/idempotency.ts). */
export const IDEMPOTENT: ErrorCode[] = ["invalid_idempotency_key", "idempotency_key_reused", "idempotency_request_in_progress"];

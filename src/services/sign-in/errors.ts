import { ApiError } from "../../lib/errors";

/**
 * Sign-in refusals carry both the catalog's `{code, message}` and OAuth's `{error, error_description}` (RFC 6749
 * §5.2): the SDK reads a 400 with `error: "invalid_grant"` as terminal (an OauthException), OAuth clients read
 * `error`, everything else reads `code`.
 */
const oauthError = (
  code: "invalid_grant" | "invalid_request" | "unsupported_grant_type" | "invalid_client",
  description: string,
) => new ApiError(code, description, { error: code, error_description: description });

/** 400 invalid_grant: the code, refresh token or credentials are not (or no longer) good. */
export const invalidGrant = (description: string) => oauthError("invalid_grant", description);

/** 400 invalid_request: a parameter is missing or malformed. */
export const invalidRequest = (description: string) => oauthError("invalid_request", description);

/** 400 unsupported_grant_type. */
export const unsupportedGrantType = (grantType: string, supported: readonly string[]) =>
  oauthError(
    "unsupported_grant_type",
    `grant_type ${JSON.stringify(grantType)} is not supported here; use one of ${supported.join(", ")}.`,
  );

/** 401 invalid_client: client authentication failed (an unknown client, or a secret that is not its environment's key). */
export const invalidClient = (description = "Unknown client, or a client_secret that is not an API key of its environment.") =>
  oauthError("invalid_client", description);

/** 429 with the seconds to wait (the route layer sends them as Retry-After). */
export const tooManyAttempts = (retryAfterSeconds: number) =>
  new ApiError("rate_limited", `Too many failed sign-in attempts. Retry in ${retryAfterSeconds} seconds.`, {
    retry_after: retryAfterSeconds,
  });

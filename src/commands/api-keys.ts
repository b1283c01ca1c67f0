import { ApiError, notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import * as apiKeys from "../services/api-keys";
import { actorOf, type TeamEnvironmentScope } from "./scope";

/**
 * Mints a secret key for the environment (`sk_test_…` staging, `sk_live_…` production, which needs the
 * team's billing). `expires_at`, if any, must be in the future. Returns the row and the value, shown once.
 */
export async function createApiKey(scope: TeamEnvironmentScope, input: { name: string; expires_at?: string | null }) {
  if (input.expires_at && input.expires_at <= new Date().toISOString())
    throw new ApiError("validation_failed", "expires_at must be in the future.", {
      errors: [{ field: "expires_at", code: "out_of_range", message: "must be in the future." }],
    });
  return apiKeys.mintApiKey(scope.db, actorOf(scope), scope.team, scope.environment, {
    name: input.name,
    expires_at: input.expires_at ?? undefined,
  });
}

/** Expires one of the environment's keys at once; an unknown (or malformed) id is a 404 that records nothing. */
export async function expireApiKey(scope: TeamEnvironmentScope, input: { id: string }) {
  if (!isId("apiKey", input.id)) throw notFound("api_key", input.id);
  await apiKeys.markApiKeyExpired(scope.db, actorOf(scope), scope.team, scope.environment.id, input.id);
}

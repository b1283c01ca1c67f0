import { sql } from "drizzle-orm";
import { ApiError } from "../../lib/errors";
import type { EnvironmentWriter, PendingEvent } from "../environment-events";
import type { SecretsKey } from "./one-time-secrets";

/** A write that makes or checks one-time codes: the environment's scope, the derivation key, and the public origin for links. */
export interface CodeScope extends EnvironmentWriter {
  key: SecretsKey;
  /** Where links point (PUBLIC_URL, else the request's origin). */
  origin: string;
}

/** Magic Auth and email verification codes live 10 minutes (WorkOS's figure). */
export const CODE_TTL_MS = 10 * 60 * 1000;
/** A code burns after this many wrong tries. */
const MAX_FAILED_ATTEMPTS = 5;

export interface CodeRow {
  id: string;
  usedAt: string | null;
  expiresAt: string;
  failedAttempts: number;
}

/** Not used, not expired, not burned. */
export const isLive = (row: CodeRow, now: string) =>
  row.usedAt === null && row.expiresAt > now && row.failedAttempts < MAX_FAILED_ATTEMPTS;

/** `isLive` as a guard of a batch (services/environment-events.ts): the row is still redeemable when the batch runs. */
export const liveGuard = (table: "magic_auths" | "email_verifications", id: string, environmentId: string, now: string) => ({
  exists: sql`EXISTS (SELECT 1 FROM ${sql.raw(table)} WHERE id = ${id} AND environment_id = ${environmentId} AND used_at IS NULL AND expires_at > ${now} AND failed_attempts < ${MAX_FAILED_ATTEMPTS})`,
  missing: codeExpired,
});

export const codeExpired = () => new ApiError("one_time_code_expired");

export const codeInvalid = (failedAttempts: number) => {
  const left = Math.max(0, MAX_FAILED_ATTEMPTS - failedAttempts);
  return new ApiError(
    "one_time_code_invalid",
    left > 0
      ? `The code is not the one that was sent; ${left} ${left === 1 ? "try" : "tries"} left.`
      : "The code is not the one that was sent; it is burned now. Send a new one.",
    { tries_left: left },
  );
};

/** Who tried, from where: recorded in `authentication.*` events. */
export interface AttemptMeta {
  ip_address?: string | null;
  user_agent?: string | null;
}

export function authenticationEvent(
  name:
    | "authentication.magic_auth_succeeded"
    | "authentication.magic_auth_failed"
    | "authentication.email_verification_succeeded",
  who: { userId: string | null; email: string },
  meta: AttemptMeta,
  error?: ApiError,
): PendingEvent {
  return {
    event: name,
    data: {
      type: name.includes("magic_auth") ? "magic_auth" : "email_verification",
      status: error ? "failed" : "succeeded",
      user_id: who.userId,
      email: who.email,
      ip_address: meta.ip_address ?? null,
      user_agent: meta.user_agent ?? null,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    },
  };
}

export const inMs = (ms: number, from = Date.now()) => new Date(from + ms).toISOString();

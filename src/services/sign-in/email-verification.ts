import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { emailVerifications, pendingAuthentications } from "../../db/schema";
import type { StoreDatabase } from "../../env";
import type { Statement } from "../../lib/batch";
import { ApiError, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { EmailVerificationObject } from "../../schemas/sign-in-codes";
import { type PendingEvent, writeWithEvents } from "../environment-events";
import { changeUser, getUser, serializeUser, type UserRow } from "../users";
import {
  type AttemptMeta,
  authenticationEvent,
  CODE_TTL_MS,
  type CodeScope,
  codeExpired,
  codeInvalid,
  inMs,
  isLive,
  liveGuard,
} from "./codes";
import { codeOf, isCodeOf, randomToken, type SecretsKey, tokenHash } from "./one-time-secrets";

/**
 * Email verification: a six-digit code for a user's address (10 minutes, single use, burned after 5 wrong tries;
 * a user's newest code counts). Also the gate of sign-in when the environment sets `require_email_verification`:
 * `requireVerifiedEmail` refuses an unverified user with a pending authentication token, which the
 * email-verification grant exchanges, with the code, for the sign-in that was refused.
 */
type EmailVerificationRow = typeof emailVerifications.$inferSelect;

/** A pending authentication token lives as long as the code it waits for. */
const PENDING_TTL_MS = CODE_TTL_MS;

const eventData = (e: EmailVerificationRow) => ({
  object: "email_verification" as const,
  id: e.id,
  user_id: e.userId,
  email: e.email,
  expires_at: e.expiresAt,
  created_at: e.createdAt,
  updated_at: e.updatedAt,
});

const serializeEmailVerification = async (
  key: SecretsKey,
  e: EmailVerificationRow,
): Promise<InferOutput<typeof EmailVerificationObject>> => ({
  ...eventData(e),
  code: await codeOf(key, "email_verification", e.id),
});

/** A new code for the user's address, as statements and its `email_verification.created` event. */
function newVerification(scope: CodeScope, user: UserRow) {
  const now = new Date();
  const row: EmailVerificationRow = {
    id: newId("emailVerification"),
    environmentId: scope.environment.id,
    userId: user.id,
    email: user.email,
    failedAttempts: 0,
    expiresAt: inMs(CODE_TTL_MS, now.getTime()),
    usedAt: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const statements: Statement[] = [scope.db.insert(emailVerifications).values(row)];
  const event: PendingEvent = { event: "email_verification.created", data: eventData(row) };
  return { row, statements, event };
}

/** `POST …/users/:id/email_verification/send`: a new code for an unverified user. */
export async function sendVerificationEmail(scope: CodeScope, userId: string) {
  const user = await getUser(scope.db, scope.environment.id, userId);
  if (user.emailVerified) throw new ApiError("email_already_verified");
  const { statements, event } = newVerification(scope, user);
  await writeWithEvents(scope, statements, [event]);
  return { user: serializeUser(user) };
}

export async function getEmailVerification(db: StoreDatabase, key: SecretsKey, environmentId: string, id: string) {
  const row = await db
    .select()
    .from(emailVerifications)
    .where(and(eq(emailVerifications.id, id), eq(emailVerifications.environmentId, environmentId)))
    .get();
  if (!row) throw notFound("email_verification", id);
  return serializeEmailVerification(key, row);
}

/** `POST …/users/:id/email_verification/confirm`: the user's newest code verifies their address. */
export async function verifyEmail(scope: CodeScope, userId: string, code: string) {
  const user = await getUser(scope.db, scope.environment.id, userId);
  const row = await scope.db
    .select()
    .from(emailVerifications)
    .where(and(eq(emailVerifications.userId, user.id), eq(emailVerifications.environmentId, scope.environment.id)))
    .orderBy(desc(emailVerifications.id))
    .limit(1)
    .get();
  return { user: serializeUser(await redeemVerification(scope, user, row, code, {})) };
}

/**
 * Checks a code against one verification row and uses it up: the user, now verified (`user.updated`,
 * `authentication.email_verification_succeeded`). A wrong code counts a try. Throws `one_time_code_expired`
 * or `one_time_code_invalid`.
 */
async function redeemVerification(
  scope: CodeScope,
  user: UserRow,
  row: EmailVerificationRow | undefined,
  code: string,
  meta: AttemptMeta,
  alsoUse: Statement[] = [],
): Promise<UserRow> {
  const { db, environment } = scope;
  const now = new Date().toISOString();
  if (!row || !isLive(row, now)) throw codeExpired();
  const ofRow = and(eq(emailVerifications.id, row.id), eq(emailVerifications.environmentId, environment.id));
  if (!(await isCodeOf(scope.key, "email_verification", row.id, code))) {
    await db
      .update(emailVerifications)
      .set({ failedAttempts: sql`${emailVerifications.failedAttempts} + 1`, updatedAt: now })
      .where(ofRow);
    throw codeInvalid(row.failedAttempts + 1);
  }
  await writeWithEvents(
    scope,
    [
      db.update(emailVerifications).set({ usedAt: now, updatedAt: now }).where(ofRow),
      // The user's other codes are moot once the address is verified.
      db
        .update(emailVerifications)
        .set({ usedAt: now, updatedAt: now })
        .where(
          and(
            eq(emailVerifications.userId, user.id),
            eq(emailVerifications.environmentId, environment.id),
            ne(emailVerifications.id, row.id),
            isNull(emailVerifications.usedAt),
          ),
        ),
      ...alsoUse,
    ],
    [authenticationEvent("authentication.email_verification_succeeded", { userId: user.id, email: user.email }, meta)],
    { guard: liveGuard("email_verifications", row.id, environment.id, now) },
  );
  if (user.emailVerified) return user;
  await changeUser(scope, user.id, { email_verified: true });
  return getUser(db, environment.id, user.id);
}

// ---- The sign-in gate ---------------------------------------------------------------------------------

/** What a refused sign-in was, to complete it once the address is verified. */
export interface RefusedSignIn extends AttemptMeta {
  /** The application's client id the sign-in came through: only it may complete it. */
  clientId: string;
  /** The authentication method, e.g. `Password`: the completed sign-in reports it. */
  method: string;
  organizationId?: string | null;
}

/**
 * The sign-in gate (sign-in calls it through `requireVerifiedEmail`, code-grants.ts): when the environment
 * requires verified emails and this user's is not, sends them a code (`email_verification.created`) and throws
 * 403 `email_verification_required` with a `pending_authentication_token`, the `email` and the
 * `email_verification_id` (WorkOS's answer; the SDK raises it as `AuthenticationException`).
 */
export async function refuseUnverifiedEmail(scope: CodeScope, user: UserRow, signIn: RefusedSignIn): Promise<void> {
  if (!scope.environment.requireEmailVerification || user.emailVerified) return;
  const { row, statements, event } = newVerification(scope, user);
  const token = randomToken();
  const now = new Date();
  await writeWithEvents(
    scope,
    [
      ...statements,
      scope.db.insert(pendingAuthentications).values({
        environmentId: scope.environment.id,
        tokenHash: await tokenHash(token),
        userId: user.id,
        emailVerificationId: row.id,
        clientId: signIn.clientId,
        authMethod: signIn.method,
        organizationId: signIn.organizationId ?? null,
        ipAddress: signIn.ip_address ?? null,
        userAgent: signIn.user_agent ?? null,
        expiresAt: inMs(PENDING_TTL_MS, now.getTime()),
        usedAt: null,
        createdAt: now.toISOString(),
      }),
    ],
    [event],
  );
  throw new ApiError("email_verification_required", "Email ownership must be verified before authentication.", {
    pending_authentication_token: token,
    email: user.email,
    email_verification_id: row.id,
  });
}

/**
 * The email-verification grant: a pending authentication token (of this application) and the code sent with it.
 * Verifies the address and answers the sign-in that was refused: its user, method and organization. Throws
 * `one_time_code_expired` for an unknown, expired, used or foreign token, `one_time_code_invalid` for a wrong code.
 */
export async function completePendingAuthentication(
  scope: CodeScope,
  input: { pending_authentication_token: string; code: string; clientId: string } & AttemptMeta,
) {
  const { db, environment } = scope;
  const now = new Date().toISOString();
  const hash = await tokenHash(input.pending_authentication_token);
  const pending = await db
    .select()
    .from(pendingAuthentications)
    .where(and(eq(pendingAuthentications.environmentId, environment.id), eq(pendingAuthentications.tokenHash, hash)))
    .get();
  if (!pending || pending.usedAt !== null || pending.expiresAt <= now || pending.clientId !== input.clientId) throw codeExpired();
  const [user, row] = await Promise.all([
    getUser(db, environment.id, pending.userId),
    db
      .select()
      .from(emailVerifications)
      .where(and(eq(emailVerifications.id, pending.emailVerificationId), eq(emailVerifications.environmentId, environment.id)))
      .get(),
  ]);
  const verified = await redeemVerification(scope, user, row, input.code, input, [
    db
      .update(pendingAuthentications)
      .set({ usedAt: now })
      .where(and(eq(pendingAuthentications.environmentId, environment.id), eq(pendingAuthentications.tokenHash, hash))),
  ]);
  return { user: verified, method: pending.authMethod, organizationId: pending.organizationId };
}

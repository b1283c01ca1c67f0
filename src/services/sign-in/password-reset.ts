import { and, eq, gt, isNull } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { userPasswordResets, users } from "../../db/schema";
import type { StoreDatabase } from "../../env";
import { batch } from "../../lib/batch";
import { ApiError, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { PasswordResetObject } from "../../schemas/sign-in-codes";
import { writeWithEvents } from "../environment-events";
import { changeUser, getUser, serializeUser } from "../users";
import { type CodeScope, inMs } from "./codes";
import { randomToken, tokenHash } from "./one-time-secrets";

/**
 * Password resets of an environment's users: a random token, shown once (in the answer that creates it) and stored
 * as its hash, valid 30 minutes and once. Using it sets the password, verifies the email (the token reached that
 * inbox), ends every session of the user and uses up their other reset tokens.
 */
type PasswordResetRow = typeof userPasswordResets.$inferSelect;

const PASSWORD_RESET_TTL_MS = 30 * 60 * 1000;

/**
 * Where the hosted page resets a password (the token in the query, as WorkOS's `password_reset_url`). The path names
 * the environment by its client id (its default application's), since tokens are looked up per environment.
 */
const passwordResetUrl = (origin: string, clientId: string, token: string) =>
  `${origin}/user_management/${encodeURIComponent(clientId)}/reset_password?token=${encodeURIComponent(token)}`;

const serializePasswordReset = (
  r: PasswordResetRow,
  shown?: { token: string; url: string },
): InferOutput<typeof PasswordResetObject> => ({
  object: "password_reset" as const,
  id: r.id,
  user_id: r.userId,
  email: r.email,
  ...(shown ? { password_reset_token: shown.token, password_reset_url: shown.url } : {}),
  expires_at: r.expiresAt,
  created_at: r.createdAt,
});

export async function createPasswordReset(scope: CodeScope, input: { email: string }) {
  const { db, environment } = scope;
  const email = input.email.toLowerCase();
  const user = await db
    .select()
    .from(users)
    .where(and(eq(users.environmentId, environment.id), eq(users.email, email)))
    .get();
  if (!user)
    throw new ApiError("user_not_found", "No user of this environment has this email address.", {
      errors: [{ field: "email", code: "not_found", message: "belongs to no user of this environment." }],
    });
  const token = randomToken();
  const now = new Date();
  const row: PasswordResetRow = {
    id: newId("userPasswordReset"),
    environmentId: environment.id,
    userId: user.id,
    email: user.email,
    tokenHash: await tokenHash(token),
    expiresAt: inMs(PASSWORD_RESET_TTL_MS, now.getTime()),
    usedAt: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await writeWithEvents(
    scope,
    [db.insert(userPasswordResets).values(row)],
    [{ event: "password_reset.created", data: serializePasswordReset(row) }],
  );
  return serializePasswordReset(row, { token, url: passwordResetUrl(scope.origin, environment.clientId, token) });
}

export async function getPasswordReset(db: StoreDatabase, environmentId: string, id: string) {
  const row = await db
    .select()
    .from(userPasswordResets)
    .where(and(eq(userPasswordResets.id, id), eq(userPasswordResets.environmentId, environmentId)))
    .get();
  if (!row) throw notFound("password_reset", id);
  return serializePasswordReset(row);
}

/**
 * `POST /user_management/password_reset/confirm`: uses the token up (of two concurrent uses, one wins), then sets the
 * password and verifies the email (`user.updated`), and answers `{user}`. `revokeSessions` ends the user's sessions.
 */
export async function resetUserPassword(
  scope: CodeScope,
  input: { token: string; new_password: string },
  revokeSessions: (userId: string) => Promise<unknown>,
) {
  const { db, environment } = scope;
  const now = new Date().toISOString();
  const hash = await tokenHash(input.token);
  const row = await db
    .select()
    .from(userPasswordResets)
    .where(and(eq(userPasswordResets.environmentId, environment.id), eq(userPasswordResets.tokenHash, hash)))
    .get();
  if (!row || row.usedAt !== null || row.expiresAt <= now) throw new ApiError("password_reset_token_invalid");
  const [used] = await batch(db, [
    db
      .update(userPasswordResets)
      .set({ usedAt: now, updatedAt: now })
      .where(
        and(
          eq(userPasswordResets.id, row.id),
          eq(userPasswordResets.environmentId, environment.id),
          isNull(userPasswordResets.usedAt),
          gt(userPasswordResets.expiresAt, now),
        ),
      )
      .returning({ id: userPasswordResets.id }),
    // The user's other reset tokens die with this one.
    db
      .update(userPasswordResets)
      .set({ usedAt: now, updatedAt: now })
      .where(
        and(
          eq(userPasswordResets.userId, row.userId),
          eq(userPasswordResets.environmentId, environment.id),
          isNull(userPasswordResets.usedAt),
        ),
      ),
  ]);
  if ((used as unknown[]).length === 0) throw new ApiError("password_reset_token_invalid");
  await changeUser(scope, row.userId, { password: input.new_password, email_verified: true });
  await revokeSessions(row.userId);
  await writeWithEvents(scope, [], [{ event: "password_reset.succeeded", data: serializePasswordReset(row) }]);
  return { user: serializeUser(await getUser(db, environment.id, row.userId)) };
}

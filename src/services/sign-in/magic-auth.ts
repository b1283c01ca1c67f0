import { and, desc, eq, sql } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { magicAuths, users } from "../../db/schema";
import type { StoreDatabase } from "../../env";
import { ApiError, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { MagicAuthObject } from "../../schemas/sign-in-codes";
import { writeWithEvents } from "../environment-events";
import { changeUser, getUser, insertUser, type UserRow } from "../users";
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
import { codeOf, isCodeOf, type SecretsKey } from "./one-time-secrets";

/**
 * Magic Auth: a six-digit code for an email, 10 minutes, single use, burned after 5 wrong tries. Only an email's
 * newest code counts (a new one supersedes the older). A code for an email without a user signs them up when it is
 * used (the user is created then, verified), not when it is sent: typing an address creates nobody.
 */
export type MagicAuthRow = typeof magicAuths.$inferSelect;

const eventData = (m: MagicAuthRow) => ({
  object: "magic_auth" as const,
  id: m.id,
  user_id: m.userId,
  email: m.email,
  expires_at: m.expiresAt,
  created_at: m.createdAt,
  updated_at: m.updatedAt,
});

const serializeMagicAuth = async (key: SecretsKey, m: MagicAuthRow): Promise<InferOutput<typeof MagicAuthObject>> => ({
  ...eventData(m),
  code: await codeOf(key, "magic_auth", m.id),
});

export async function createMagicAuth(scope: CodeScope, input: { email: string }) {
  const { db, environment } = scope;
  const email = input.email.toLowerCase();
  const user = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.environmentId, environment.id), eq(users.email, email)))
    .get();
  const now = new Date();
  const row: MagicAuthRow = {
    id: newId("magicAuth"),
    environmentId: environment.id,
    userId: user?.id ?? null,
    email,
    failedAttempts: 0,
    expiresAt: inMs(CODE_TTL_MS, now.getTime()),
    usedAt: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await writeWithEvents(scope, [db.insert(magicAuths).values(row)], [{ event: "magic_auth.created", data: eventData(row) }]);
  return serializeMagicAuth(scope.key, row);
}

export async function getMagicAuth(db: StoreDatabase, key: SecretsKey, environmentId: string, id: string) {
  const row = await db
    .select()
    .from(magicAuths)
    .where(and(eq(magicAuths.id, id), eq(magicAuths.environmentId, environmentId)))
    .get();
  if (!row) throw notFound("magic_auth", id);
  return serializeMagicAuth(key, row);
}

/**
 * Checks an email's Magic Auth code and uses it up: the user it signs in, created (verified) on their first code, or
 * marked verified (the code proves the address). A wrong code counts a try; every failure is an
 * `authentication.magic_auth_failed` event. Throws `one_time_code_expired` or `one_time_code_invalid`.
 */
export async function redeemMagicAuth(scope: CodeScope, input: { email: string; code: string } & AttemptMeta): Promise<UserRow> {
  const { db, environment } = scope;
  const email = input.email.toLowerCase();
  const now = new Date().toISOString();
  const row = await db
    .select()
    .from(magicAuths)
    .where(and(eq(magicAuths.environmentId, environment.id), eq(magicAuths.email, email)))
    .orderBy(desc(magicAuths.id))
    .limit(1)
    .get();
  const who = { userId: row?.userId ?? null, email };
  if (!row || !isLive(row, now)) {
    const error = codeExpired();
    await writeWithEvents(scope, [], [authenticationEvent("authentication.magic_auth_failed", who, input, error)]);
    throw error;
  }
  if (!(await isCodeOf(scope.key, "magic_auth", row.id, input.code))) {
    const error = codeInvalid(row.failedAttempts + 1);
    await writeWithEvents(
      scope,
      [
        db
          .update(magicAuths)
          .set({ failedAttempts: sql`${magicAuths.failedAttempts} + 1`, updatedAt: now })
          .where(and(eq(magicAuths.id, row.id), eq(magicAuths.environmentId, environment.id))),
      ],
      [authenticationEvent("authentication.magic_auth_failed", who, input, error)],
    );
    throw error;
  }
  // Used up in one guarded batch: of two concurrent uses of one code, one wins.
  await writeWithEvents(
    scope,
    [
      db
        .update(magicAuths)
        .set({ usedAt: now, updatedAt: now })
        .where(and(eq(magicAuths.id, row.id), eq(magicAuths.environmentId, environment.id))),
    ],
    [authenticationEvent("authentication.magic_auth_succeeded", who, input)],
    { guard: liveGuard("magic_auths", row.id, environment.id, now) },
  );
  const user = await userForEmail(scope, email);
  if (row.userId !== user.id)
    await db
      .update(magicAuths)
      .set({ userId: user.id })
      .where(and(eq(magicAuths.id, row.id), eq(magicAuths.environmentId, environment.id)));
  return user;
}

/** The user with this (proven) address, verified; created when there is none. */
async function userForEmail(scope: CodeScope, email: string): Promise<UserRow> {
  const { db, environment } = scope;
  const find = () =>
    db
      .select()
      .from(users)
      .where(and(eq(users.environmentId, environment.id), eq(users.email, email)))
      .get();
  let user = await find();
  if (!user) {
    try {
      const created = await insertUser(scope, { email, email_verified: true });
      return getUser(db, environment.id, created.id);
    } catch (err) {
      // Created meanwhile by another request: use it.
      if (!(err instanceof ApiError && err.code === "email_not_available")) throw err;
      user = await find();
      if (!user) throw err;
    }
  }
  if (!user.emailVerified) {
    await changeUser(scope, user.id, { email_verified: true });
    return getUser(db, environment.id, user.id);
  }
  return user;
}

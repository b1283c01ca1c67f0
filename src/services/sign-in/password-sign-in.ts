import { and, eq } from "drizzle-orm";
import { users } from "../../db/schema";
import { writeWithEvents } from "../environment-events";
import type { UserRow } from "../users";
import { eventScope, type SignInContext } from "./context";
import { invalidGrant } from "./errors";
import { burnUserPasswordCheck, hashUserPassword, verifyUserPassword } from "./passwords";
import { forgetOldFailures, releasePasswordAttempt, reservePasswordAttempt } from "./throttle";

export const INCORRECT_CREDENTIALS = "Incorrect email or password.";

export interface PasswordSignIn {
  email: string;
  password: string;
  /** Who is trying (the connecting address): the throttle counts per address as well as per email. */
  clientAddress: string;
  /** As the client reported them, for the events. */
  ipAddress?: string | null;
  userAgent?: string | null;
}

/**
 * Checks an email and password of the context's environment; the user, or invalid_grant ("Incorrect email or
 * password." for an unknown email and a wrong password alike, after the same work). The throttle is checked
 * before any password work (429). An imported hash that matches is replaced by ours. Records
 * `authentication.password_succeeded` or `authentication.password_failed`.
 */
export async function signInWithPassword(ctx: SignInContext, input: PasswordSignIn): Promise<UserRow> {
  const { store: db, environment } = ctx;
  const email = input.email.trim().toLowerCase();
  const slot = await reservePasswordAttempt(db, environment.id, email, input.clientAddress);
  const user = await db
    .select()
    .from(users)
    .where(and(eq(users.environmentId, environment.id), eq(users.email, email)))
    .get();
  // An unknown email (or a user without a password) costs the same work as a wrong password.
  const check = user?.passwordHash
    ? await verifyUserPassword(input.password, user.passwordHash)
    : await burnUserPasswordCheck(input.password).then(() => ({ ok: false, upgrade: false }));
  const about = { type: "password", email, ip_address: input.ipAddress ?? null, user_agent: input.userAgent ?? null };
  if (!user || !check.ok) {
    await Promise.all([
      forgetOldFailures(db, environment.id, email, input.clientAddress),
      writeWithEvents(
        eventScope(ctx),
        [],
        [
          {
            event: "authentication.password_failed",
            data: {
              ...about,
              status: "failed",
              user_id: user?.id ?? null,
              error: { code: "invalid_grant", message: INCORRECT_CREDENTIALS },
            },
          },
        ],
      ),
    ]);
    throw invalidGrant(INCORRECT_CREDENTIALS);
  }
  const upgrade = check.upgrade
    ? [
        db
          .update(users)
          .set({ passwordHash: await hashUserPassword(input.password) })
          .where(and(eq(users.id, user.id), eq(users.environmentId, environment.id))),
      ]
    : [];
  await Promise.all([
    releasePasswordAttempt(db, slot),
    writeWithEvents(eventScope(ctx), upgrade, [
      { event: "authentication.password_succeeded", data: { ...about, status: "succeeded", user_id: user.id } },
    ]),
  ]);
  return user;
}

import { and, eq, gt, isNull, lte, sql } from "drizzle-orm";
import { passwordResetRequests, passwordResets, people, personSessions, signInFailures } from "../../db/schema";
import { queueEmail } from "../../email/outbox";
import type { Database } from "../../env";
import { batch } from "../../lib/batch";
import { randomSecret } from "../../lib/crypto";
import { ApiError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { burnPasswordCheck, hashPassword, hashToken, verifyPassword } from "./passwords";

/**
 * Sessions of people (not platform clients): a random token in the cookie (or as a bearer on the Platform
 * API), only its SHA-256 in `person_sessions`. A session ends after 12 hours without use (idle), after 7 days
 * whatever happens (absolute), at sign-out, at a password reset, and when its person is on no team any more.
 * What a person may do is not in the session: each request looks up the membership (services/people/members.ts).
 */
export const SESSION_PREFIX = "cps_";
export const IDLE_SECONDS = 12 * 3600;
export const ABSOLUTE_SECONDS = 7 * 86_400;
/** last_seen_at is refreshed at most this often (one write per 5 minutes of activity, not per request). */
const TOUCH_SECONDS = 300;

/** Throttling of failed sign-ins (a table, exact across locations, unlike a rate-limit binding). */
export const THROTTLE_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;
/** Password-reset requests, counted the same way: each one mails a link. */
export const MAX_RESETS_PER_EMAIL = 3;
export const MAX_RESETS_PER_ADDRESS = 10;
export const RESET_TTL_SECONDS = 3600;
export const RESET_PATH = "/dashboard/password-reset";

const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
const ahead = (s: number) => new Date(Date.now() + s * 1000).toISOString();

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Attempts counted per email and per address over the window; too many of either is a 429. */
interface Throttle {
  table: typeof signInFailures | typeof passwordResetRequests;
  idKind: "signInFailure" | "passwordResetRequest";
  perEmail: number;
  perAddress: number;
  what: string;
}
const SIGN_IN: Throttle = {
  table: signInFailures,
  idKind: "signInFailure",
  perEmail: MAX_FAILURES_PER_EMAIL,
  perAddress: MAX_FAILURES_PER_ADDRESS,
  what: "failed sign-ins",
};
const PASSWORD_RESET: Throttle = {
  table: passwordResetRequests,
  idKind: "passwordResetRequest",
  perEmail: MAX_RESETS_PER_EMAIL,
  perAddress: MAX_RESETS_PER_ADDRESS,
  what: "password-reset requests",
};

async function assertUnder({ table, perEmail, perAddress, what }: Throttle, db: Database, email: string, address: string) {
  const since = ago(THROTTLE_WINDOW_SECONDS);
  const [byEmail, byAddress] = await db.batch([
    db
      .select({ n: sql<number>`count(*)` })
      .from(table)
      .where(and(eq(table.email, email), gt(table.createdAt, since))),
    db
      .select({ n: sql<number>`count(*)` })
      .from(table)
      .where(and(eq(table.address, address), gt(table.createdAt, since))),
  ]);
  if ((byEmail[0]?.n ?? 0) >= perEmail || (byAddress[0]?.n ?? 0) >= perAddress)
    throw new ApiError("rate_limited", `Too many ${what}. Try again in ${THROTTLE_WINDOW_SECONDS / 60} minutes.`, {
      retry_after: THROTTLE_WINDOW_SECONDS,
    });
}

/** The statements that count one attempt (and trim the old ones: they are useless, trimmed as new ones come). */
const countAttempt = ({ table, idKind }: Throttle, db: Database, email: string, address: string) =>
  [
    db.insert(table).values({ id: newId(idKind), email, address, createdAt: new Date().toISOString() }),
    db.delete(table).where(lte(table.createdAt, ago(THROTTLE_WINDOW_SECONDS * 4))),
  ] as const;

/** 429 when this email or this address failed too often lately (checked before any password work). */
export const assertNotThrottled = (db: Database, email: string, address: string) => assertUnder(SIGN_IN, db, email, address);

async function recordFailure(db: Database, email: string, address: string) {
  await batch(db, [...countAttempt(SIGN_IN, db, email, address)]);
}

/** Checks an email and password (throttled); the person, or undefined for a wrong pair. */
export async function checkPassword(db: Database, rawEmail: string, password: string, address: string) {
  const email = normalizeEmail(rawEmail);
  await assertNotThrottled(db, email, address);
  const person = await db.select().from(people).where(eq(people.email, email)).get();
  let ok = false;
  if (person) ok = await verifyPassword(password, person);
  else await burnPasswordCheck(password);
  if (!ok || !person) {
    await recordFailure(db, email, address);
    return undefined;
  }
  return person;
}

/** A new session for a person: the token (shown once, to set the cookie) and its expiry. */
export async function createSession(db: Database, personId: string) {
  const token = `${SESSION_PREFIX}${randomSecret(32)}`;
  const now = new Date().toISOString();
  const id = newId("session");
  await db.insert(personSessions).values({
    id,
    personId,
    tokenHash: await hashToken(token),
    lastSeenAt: now,
    expiresAt: ahead(ABSOLUTE_SECONDS),
    createdAt: now,
  });
  return { id, token, expiresIn: IDLE_SECONDS };
}

/** The person behind a session token, or undefined (unknown, revoked, idle or past its absolute expiry). */
export async function personOfSession(db: Database, token: string) {
  if (!token.startsWith(SESSION_PREFIX) || token.length > 200) return undefined;
  const now = new Date().toISOString();
  const row = await db
    .select({ session: personSessions, person: { id: people.id, email: people.email, name: people.name } })
    .from(personSessions)
    .innerJoin(people, eq(people.id, personSessions.personId))
    .where(
      and(
        eq(personSessions.tokenHash, await hashToken(token)),
        isNull(personSessions.revokedAt),
        gt(personSessions.expiresAt, now),
        gt(personSessions.lastSeenAt, ago(IDLE_SECONDS)),
      ),
    )
    .get();
  if (!row) return undefined;
  if (row.session.lastSeenAt < ago(TOUCH_SECONDS))
    await db.update(personSessions).set({ lastSeenAt: now }).where(eq(personSessions.id, row.session.id));
  return { ...row.person, sessionId: row.session.id };
}

export async function revokePersonSession(db: Database, sessionId: string) {
  await db
    .update(personSessions)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(personSessions.id, sessionId), isNull(personSessions.revokedAt)));
}

/**
 * Starts a password reset: a single-use link valid for an hour, through the outbox. Answers the same
 * whether or not the address has an account (no account discovery); throttled per email and per address
 * (429 `rate_limited`), every request counted, with an account or not.
 */
export async function requestPasswordReset(db: Database, rawEmail: string, address: string) {
  const email = normalizeEmail(rawEmail);
  await assertUnder(PASSWORD_RESET, db, email, address);
  const counted = countAttempt(PASSWORD_RESET, db, email, address);
  const person = await db.select({ id: people.id }).from(people).where(eq(people.email, email)).get();
  if (!person) {
    await batch(db, [...counted]);
    return;
  }
  const token = `pwr_${randomSecret(32)}`;
  const mail = queueEmail(db, {
    kind: "password_reset",
    to: email,
    subject: "Reset your password",
    body: "Someone asked to reset the password of your account. If it was you, choose a new one within an hour; otherwise ignore this message.",
    link: `${RESET_PATH}?token=${encodeURIComponent(token)}`,
  });
  await batch(db, [
    ...counted,
    db.insert(passwordResets).values({
      id: newId("passwordReset"),
      personId: person.id,
      tokenHash: await hashToken(token),
      expiresAt: ahead(RESET_TTL_SECONDS),
      createdAt: new Date().toISOString(),
    }),
    mail.statement,
  ]);
}

/** Whether a reset link is still usable (for the page that asks for the new password). */
export async function resetTokenUsable(db: Database, token: string) {
  if (!token || token.length > 200) return false;
  const row = await db
    .select({ id: passwordResets.id })
    .from(passwordResets)
    .where(
      and(
        eq(passwordResets.tokenHash, await hashToken(token)),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, new Date().toISOString()),
      ),
    )
    .get();
  return !!row;
}

/**
 * Uses a reset link: claims it (single use: the claim is the guarded update), sets the new password and
 * ends every session of the person. False when the link is unknown, used or expired.
 */
export async function completePasswordReset(db: Database, token: string, password: string) {
  if (!token || token.length > 200) return false;
  const hashed = await hashPassword(password);
  const now = new Date().toISOString();
  const [claimed] = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(
      and(eq(passwordResets.tokenHash, await hashToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)),
    )
    .returning();
  if (!claimed) return false;
  await batch(db, [
    db
      .update(people)
      .set({ ...hashed, updatedAt: now })
      .where(eq(people.id, claimed.personId)),
    db
      .update(personSessions)
      .set({ revokedAt: now })
      .where(and(eq(personSessions.personId, claimed.personId), isNull(personSessions.revokedAt))),
  ]);
  return true;
}

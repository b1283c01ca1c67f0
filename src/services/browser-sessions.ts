import { and, eq, gt, isNull, lt } from "drizzle-orm";
import { browserSessions, environments, userSessions } from "../db/schema";
import type { Database, StoreDatabase } from "../env";
import { randomSecret, sha256Hex } from "../lib/crypto";

/**
 * The hosted sign-in page's browser sessions: a random token (the cookie's value, never stored) whose SHA-256
 * names a user session of one environment. Every lookup is by environment, so a cookie of one environment is
 * nothing in another even if it were sent there under the right name.
 */

/** One cookie per environment, so that signing in to one never signs a browser in to another. */
export const browserCookieName = (environmentId: string, secure: boolean) =>
  // `__Host-`: only ever set by this origin over https, for the whole path, with no Domain (no subdomain can plant one).
  secure ? `__Host-authkit_${environmentId}` : `authkit_${environmentId}`;

/** Starts a browser session for a user session; returns the cookie's value. */
export async function startBrowserSession(
  db: StoreDatabase,
  environmentId: string,
  session: { id: string; userId: string; expiresAt: string },
) {
  const token = randomSecret(32);
  await db
    .insert(browserSessions)
    .values({
      tokenHash: await sha256Hex(token),
      environmentId,
      sessionId: session.id,
      userId: session.userId,
      expiresAt: session.expiresAt,
      createdAt: new Date().toISOString(),
    })
    .run();
  return token;
}

/**
 * The user session a cookie's token names in this environment, while both are good: the browser session has not
 * expired, and the user session is neither revoked nor expired (one query, by the token's hash).
 */
export async function activeBrowserSession(db: StoreDatabase, environmentId: string, token: string) {
  if (token.length < 32 || token.length > 64) return undefined;
  const now = new Date().toISOString();
  return db
    .select({ sessionId: browserSessions.sessionId, userId: browserSessions.userId })
    .from(browserSessions)
    .innerJoin(
      userSessions,
      and(eq(userSessions.id, browserSessions.sessionId), eq(userSessions.environmentId, browserSessions.environmentId)),
    )
    .where(
      and(
        eq(browserSessions.tokenHash, await sha256Hex(token)),
        eq(browserSessions.environmentId, environmentId),
        gt(browserSessions.expiresAt, now),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, now),
      ),
    )
    .get();
}

/**
 * A session named by a logout link, with its environment: the link carries only the session id (the SDK's
 * `getLogoutUrl`), so this is the one lookup not scoped by an environment; everything after it is. The session is
 * read from `store` (the data of the environments it may be in), its environment from D1.
 */
export async function sessionForLogout(db: Database, store: StoreDatabase, sessionId: string) {
  const session = await store
    .select({ id: userSessions.id, clientId: userSessions.clientId, environmentId: userSessions.environmentId })
    .from(userSessions)
    .where(eq(userSessions.id, sessionId))
    .get();
  if (!session) return undefined;
  const environment = await db.select().from(environments).where(eq(environments.id, session.environmentId)).get();
  return environment && { id: session.id, clientId: session.clientId, environment };
}

/** Ends every browser session of a user session (sign-out). */
export async function endBrowserSessions(db: StoreDatabase, environmentId: string, sessionId: string) {
  await db
    .delete(browserSessions)
    .where(and(eq(browserSessions.environmentId, environmentId), eq(browserSessions.sessionId, sessionId)))
    .run();
}

/** Ends the browser session of one cookie (a cookie naming a session that ended). */
export async function endBrowserSession(db: StoreDatabase, environmentId: string, token: string) {
  await db
    .delete(browserSessions)
    .where(and(eq(browserSessions.environmentId, environmentId), eq(browserSessions.tokenHash, await sha256Hex(token))))
    .run();
}

/** Deletes browser sessions past their expiry (the Cron Trigger; by the expiry index). A revoked session's go at sign-out. */
export async function deleteExpiredBrowserSessions(db: StoreDatabase, now = Date.now()) {
  await db
    .delete(browserSessions)
    .where(lt(browserSessions.expiresAt, new Date(now).toISOString()))
    .run();
}

import { and, eq, gt } from "drizzle-orm";
import { browserSessions } from "../db/schema";
import type { Database } from "../env";
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
  db: Database,
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

/** The user session a cookie's token names in this environment, while it has not expired. */
export async function browserSessionOf(db: Database, environmentId: string, token: string) {
  if (token.length < 32 || token.length > 64) return undefined;
  return db
    .select({ sessionId: browserSessions.sessionId, userId: browserSessions.userId })
    .from(browserSessions)
    .where(
      and(
        eq(browserSessions.tokenHash, await sha256Hex(token)),
        eq(browserSessions.environmentId, environmentId),
        gt(browserSessions.expiresAt, new Date().toISOString()),
      ),
    )
    .get();
}

/** Ends every browser session of a user session (sign-out). */
export async function endBrowserSessions(db: Database, environmentId: string, sessionId: string) {
  await db
    .delete(browserSessions)
    .where(and(eq(browserSessions.environmentId, environmentId), eq(browserSessions.sessionId, sessionId)))
    .run();
}

/** Ends the browser session of one cookie (a cookie naming a session that ended). */
export async function endBrowserSession(db: Database, environmentId: string, token: string) {
  await db
    .delete(browserSessions)
    .where(and(eq(browserSessions.environmentId, environmentId), eq(browserSessions.tokenHash, await sha256Hex(token))))
    .run();
}

import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import { refreshTokens } from "../../db/schema";
import { randomSecret, sha256Hex } from "../../lib/crypto";
import { eventScope, type SignInContext } from "./context";
import { invalidGrant } from "./errors";
import { findUserSession, isActive, revokeUserSession, type UserSessionRow } from "./sessions";

/**
 * Refresh tokens: opaque, stored as SHA-256 only, bound to the application they were issued to, rotated on every
 * use. A client that refreshes the same token twice at once is not signed out: within 10 s of its rotation a
 * token answers with the SAME successor, derived (HMAC under the session's secret) rather than stored. After
 * that, presenting it is reuse: invalid_grant, and the whole session is revoked.
 */
export const ROTATION_GRACE_MS = 10_000;

const encoder = new TextEncoder();

/** The successor of a token in its session: HMAC-SHA256(session secret, token), base64url. */
async function successorOf(session: UserSessionRow, token: string) {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(session.refreshSecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(token)));
  return btoa(String.fromCharCode(...mac))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** A new refresh token for a session, issued to the context's application. */
export async function issueRefreshToken(ctx: SignInContext, session: UserSessionRow): Promise<string> {
  const token = randomSecret(32);
  await ctx.store
    .insert(refreshTokens)
    .values({
      environmentId: ctx.environment.id,
      tokenHash: await sha256Hex(token),
      sessionId: session.id,
      clientId: ctx.application.clientId,
      createdAt: new Date().toISOString(),
    })
    .run();
  return token;
}

/** The session a refresh token of the context's environment and application belongs to, without using the token. */
export async function sessionOfRefreshToken(ctx: SignInContext, token: string) {
  const t = refreshTokens;
  const row = await ctx.store
    .select({ sessionId: t.sessionId })
    .from(t)
    .where(
      and(
        eq(t.environmentId, ctx.environment.id),
        eq(t.tokenHash, await sha256Hex(token)),
        eq(t.clientId, ctx.application.clientId),
      ),
    )
    .get();
  return row ? findUserSession(ctx.store, ctx.environment.id, row.sessionId) : undefined;
}

/**
 * Rotates a refresh token of the context's environment and application: its session (active) and its successor.
 * Throws invalid_grant for an unknown token, another application's, an ended session, or reuse after the grace
 * period (which revokes the session).
 */
export async function rotateRefreshToken(
  ctx: SignInContext,
  token: string,
): Promise<{ session: UserSessionRow; refreshToken: string }> {
  const { store: db, environment, application } = ctx;
  const hash = await sha256Hex(token);
  const now = Date.now();
  const nowIso = new Date(now).toISOString();
  const graceStart = new Date(now - ROTATION_GRACE_MS).toISOString();
  const t = refreshTokens;
  const mine = and(eq(t.environmentId, environment.id), eq(t.tokenHash, hash), eq(t.clientId, application.clientId));
  // One atomic statement: the first presentation rotates it; those within the grace period keep its rotation time.
  const [claimed] = await db
    .update(t)
    .set({ rotatedAt: sql`COALESCE(${t.rotatedAt}, ${nowIso})` })
    .where(and(mine, or(isNull(t.rotatedAt), gt(t.rotatedAt, graceStart))))
    .returning({ sessionId: t.sessionId });
  if (!claimed) {
    const row = await db.select().from(t).where(mine).get();
    if (!row) throw invalidGrant("The refresh token is invalid.");
    // Reuse of a rotated token: whoever presents it, the session is no longer trustworthy (RFC 6819 §5.2.2.3).
    await revokeUserSession(eventScope(ctx), environment.id, row.sessionId);
    throw invalidGrant("The refresh token was already used; the session is revoked.");
  }
  const session = await findUserSession(db, environment.id, claimed.sessionId);
  if (!isActive(session, now)) throw invalidGrant("The session of this refresh token has ended.");
  const successor = await successorOf(session, token);
  // Every presentation within the grace period inserts the same successor; the first one wins, the others are no-ops.
  await db
    .insert(t)
    .values({
      environmentId: environment.id,
      tokenHash: await sha256Hex(successor),
      sessionId: session.id,
      clientId: application.clientId,
      createdAt: nowIso,
    })
    .onConflictDoNothing()
    .run();
  return { session, refreshToken: successor };
}

import { and, eq, isNull } from "drizzle-orm";
import { authorizationCodes } from "../../db/schema";
import { randomSecret, sha256Hex } from "../../lib/crypto";
import { eventScope, type SignInContext } from "./context";
import { invalidGrant } from "./errors";
import { revokeUserSession } from "./sessions";

/**
 * Authorization codes: opaque, stored as SHA-256 only, 10 minutes, single use, bound to the application, the
 * redirect URI, the PKCE challenge and the nonce. A replayed code is refused and the session it signed in is
 * revoked (RFC 6749 §4.1.2).
 */
export const CODE_TTL_MS = 10 * 60 * 1000;

export type AuthorizationCodeRow = typeof authorizationCodes.$inferSelect;

export interface NewAuthorizationCode {
  redirectUri: string;
  /** S256 challenge (RFC 7636): base64url(SHA-256(verifier)). */
  codeChallenge?: string | null;
  nonce?: string | null;
  scope?: string | null;
  sessionId: string;
  userId: string;
  organizationId?: string | null;
}

/** A new code for the context's application; returns the code (its hash alone is stored). */
export async function issueAuthorizationCode(ctx: SignInContext, input: NewAuthorizationCode): Promise<string> {
  const code = randomSecret(32);
  const now = Date.now();
  await ctx.store
    .insert(authorizationCodes)
    .values({
      environmentId: ctx.environment.id,
      codeHash: await sha256Hex(code),
      clientId: ctx.application.clientId,
      redirectUri: input.redirectUri,
      codeChallenge: input.codeChallenge ?? null,
      nonce: input.nonce ?? null,
      scope: input.scope ?? null,
      sessionId: input.sessionId,
      userId: input.userId,
      organizationId: input.organizationId ?? null,
      expiresAt: new Date(now + CODE_TTL_MS).toISOString(),
      createdAt: new Date(now).toISOString(),
    })
    .run();
  return code;
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

const s256 = async (verifier: string) =>
  btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)))))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

export interface CodeRedemption {
  code: string;
  /** When the token request repeats it, it must be the authorize request's exactly. */
  redirectUri?: string;
  codeVerifier?: string;
  /** The client proved its secret (an API key of the environment). */
  clientAuthenticated: boolean;
}

/**
 * Redeems a code of the context's application, once. Throws invalid_grant for an unknown, expired or replayed
 * code (a replay revokes its session), a redirect URI or verifier that does not match, a verifier for a code
 * issued without a challenge (PKCE downgrade), or a code without a challenge redeemed by an unauthenticated client.
 */
export async function redeemAuthorizationCode(ctx: SignInContext, input: CodeRedemption): Promise<AuthorizationCodeRow> {
  const { store: db, environment, application } = ctx;
  const c = authorizationCodes;
  const mine = and(
    eq(c.environmentId, environment.id),
    eq(c.codeHash, await sha256Hex(input.code)),
    eq(c.clientId, application.clientId),
  );
  const now = Date.now();
  // One atomic statement: of concurrent redemptions, exactly one claims the code.
  const [row] = await db
    .update(c)
    .set({ usedAt: new Date(now).toISOString() })
    .where(and(mine, isNull(c.usedAt)))
    .returning();
  if (!row) {
    const used = await db.select({ sessionId: c.sessionId }).from(c).where(mine).get();
    if (used) {
      await revokeUserSession(eventScope(ctx), environment.id, used.sessionId);
      throw invalidGrant("The authorization code was already used; the session it started is revoked.");
    }
    throw invalidGrant("The authorization code is invalid.");
  }
  if (Date.parse(row.expiresAt) <= now) throw invalidGrant("The authorization code has expired.");
  if (input.redirectUri !== undefined && input.redirectUri !== row.redirectUri)
    throw invalidGrant("redirect_uri does not match the one of the authorization request.");
  if (row.codeChallenge !== null) {
    if (!input.codeVerifier) throw invalidGrant("code_verifier is required: the authorization request had a code_challenge.");
    if (!VERIFIER.test(input.codeVerifier) || (await s256(input.codeVerifier)) !== row.codeChallenge)
      throw invalidGrant("code_verifier does not match the code_challenge.");
  } else {
    // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is a downgrade attempt.
    if (input.codeVerifier !== undefined)
      throw invalidGrant("code_verifier was sent, but the authorization request had no code_challenge.");
    if (!input.clientAuthenticated)
      throw invalidGrant("This code was issued without PKCE: redeem it with the client's secret (client_secret).");
  }
  return row;
}

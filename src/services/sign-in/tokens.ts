import { and, eq } from "drizzle-orm";
import { decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { organizationMemberships, signingKeys } from "../../db/schema";
import { unauthorized } from "../../lib/errors";
import { enabledFlagSlugsFor } from "../feature-flags";
import type { UserRow } from "../users";
import { issuer, type SignInContext } from "./context";
import { ACCESS_TOKEN_TTL_SECONDS, currentSigningKey, privateKeyOf, publicKeyOf, type SigningKeyRow } from "./keys";
import type { UserSessionRow } from "./sessions";

/** ID tokens live as long as access tokens: they prove a sign-in that just happened. */
export const ID_TOKEN_TTL_SECONDS = ACCESS_TOKEN_TTL_SECONDS;

/** The claims of an access token this service minted. */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  org_id?: string;
  role?: string;
  roles?: string[];
  feature_flags: string[];
}

/** The user's role in the organization (their active membership), or undefined. */
export async function membershipRole(ctx: SignInContext, userId: string, organizationId: string) {
  const row = await ctx.store
    .select({ role: organizationMemberships.roleSlug, status: organizationMemberships.status })
    .from(organizationMemberships)
    .where(
      and(
        eq(organizationMemberships.organizationId, organizationId),
        eq(organizationMemberships.userId, userId),
        eq(organizationMemberships.environmentId, ctx.environment.id),
      ),
    )
    .get();
  return row && row.status !== "inactive" ? row.role : undefined;
}

const sign = async (ctx: SignInContext, key: SigningKeyRow, claims: JWTPayload, now: number, ttl: number) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: key.id, typ: "JWT" })
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(await privateKeyOf(ctx.env, key));

/**
 * A 5-minute RS256 access token for a session: iss (the application's issuer), sub, sid, jti, iat, exp, the
 * organization and the user's role in it when the session has one, and the feature flags on for them.
 */
export async function mintAccessToken(ctx: SignInContext, session: UserSessionRow) {
  const now = Math.floor(Date.now() / 1000);
  const org = session.organizationId ?? undefined;
  const [key, role, flags] = await Promise.all([
    currentSigningKey(ctx.env, ctx.store, ctx.environment.id),
    org ? membershipRole(ctx, session.userId, org) : undefined,
    enabledFlagSlugsFor(ctx.db, ctx.store, ctx.environment, [session.userId, org ?? ""]),
  ]);
  const claims: Omit<AccessTokenClaims, "iat" | "exp"> = {
    iss: issuer(ctx),
    sub: session.userId,
    sid: session.id,
    jti: crypto.randomUUID(),
    ...(org ? { org_id: org, ...(role ? { role, roles: [role] } : {}) } : {}),
    feature_flags: flags,
  };
  return sign(ctx, key, claims, now, ACCESS_TOKEN_TTL_SECONDS);
}

/** An OpenID Connect ID token (when `openid` was asked): aud is the client id; nonce as the client sent it. */
export async function mintIdToken(ctx: SignInContext, input: { user: UserRow; session: UserSessionRow; nonce?: string | null }) {
  const now = Math.floor(Date.now() / 1000);
  const { user, session } = input;
  const key = await currentSigningKey(ctx.env, ctx.store, ctx.environment.id);
  const name = user.name ?? ([user.firstName, user.lastName].filter(Boolean).join(" ") || null);
  // OpenID Connect Core §5.3.2: a claim without a value is left out, not sent as null.
  const present = (claims: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== null && value !== undefined));
  return sign(
    ctx,
    key,
    present({
      iss: issuer(ctx),
      sub: user.id,
      aud: ctx.application.clientId,
      nonce: input.nonce || undefined,
      auth_time: Math.floor(Date.parse(session.createdAt) / 1000),
      sid: session.id,
      email: user.email,
      email_verified: user.emailVerified,
      name,
      given_name: user.firstName,
      family_name: user.lastName,
    }),
    now,
    ID_TOKEN_TTL_SECONDS,
  );
}

/**
 * Verifies an access token of the context's environment: signed by one of ITS keys (a kid of another environment
 * is unknown here), not expired, and issued by the context's application — or, with `anyApplication`, by any
 * application of this origin (the environment is still proven by the key). Throws 401 otherwise.
 */
export async function verifyAccessToken(
  ctx: SignInContext,
  token: string,
  options: { anyApplication?: boolean } = {},
): Promise<AccessTokenClaims> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw unauthorized("Malformed access token.");
  }
  if (!kid) throw unauthorized("Invalid access token.");
  const row = await ctx.store
    .select()
    .from(signingKeys)
    .where(and(eq(signingKeys.id, kid), eq(signingKeys.environmentId, ctx.environment.id)))
    .get();
  if (!row) throw unauthorized("Invalid access token.");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, await publicKeyOf(row), {
      algorithms: ["RS256"],
      ...(options.anyApplication ? {} : { issuer: issuer(ctx) }),
      requiredClaims: ["sub", "sid", "exp", "iat"],
    }));
  } catch (err) {
    const expired = (err as { code?: string })?.code === "ERR_JWT_EXPIRED";
    throw unauthorized(expired ? "The access token has expired." : "Invalid access token.");
  }
  if (options.anyApplication && !String(payload.iss ?? "").startsWith(`${ctx.origin}/user_management/`))
    throw unauthorized("Invalid access token.");
  return payload as AccessTokenClaims;
}

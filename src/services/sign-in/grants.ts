import { and, eq } from "drizzle-orm";
import { users } from "../../db/schema";
import { redeemAuthorizationCode } from "./authorization-codes";
import { CODE_GRANTS, requireVerifiedEmail } from "./code-grants";
import { completeSignIn } from "./complete";
import type { SignInContext } from "./context";
import { invalidGrant, invalidRequest, unsupportedGrantType } from "./errors";
import type { Grant, GrantRequest } from "./grant";
import { signInWithPassword } from "./password-sign-in";
import { rotateRefreshToken, sessionOfRefreshToken } from "./refresh-tokens";
import { type AuthenticationMethod, findUserSession, type SessionAuthMethod } from "./sessions";
import { membershipRole } from "./tokens";

/** A required field, or 400 invalid_request. */
export const required = (request: GrantRequest, name: string) => {
  const value = request.fields[name];
  if (typeof value !== "string" || value.length === 0) throw invalidRequest(`${name} is required.`);
  return value;
};

const METHOD_OF_SESSION: Partial<Record<SessionAuthMethod, AuthenticationMethod>> = {
  password: "Password",
  magic_code: "MagicAuth",
  sso: "SSO",
  passkey: "Passkey",
  impersonation: "Impersonation",
  cross_app_auth: "CrossAppAuth",
  external_auth: "ExternalAuth",
  migrated_session: "MigratedSession",
};
const methodOfSession = (authMethod: string): AuthenticationMethod =>
  METHOD_OF_SESSION[authMethod as SessionAuthMethod] ?? "Password";

const userOf = async (ctx: SignInContext, userId: string) => {
  const user = await ctx.store
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.environmentId, ctx.environment.id)))
    .get();
  if (!user) throw invalidGrant("The user no longer exists.");
  return user;
};

/** `authorization_code`: a code from the hosted page, with its PKCE verifier or the client's secret. */
const authorizationCodeGrant: Grant = async (ctx, request) => {
  const code = await redeemAuthorizationCode(ctx, {
    code: required(request, "code"),
    redirectUri: request.fields.redirect_uri || undefined,
    codeVerifier: request.fields.code_verifier || undefined,
    clientAuthenticated: request.clientAuthenticated,
  });
  const [user, session] = await Promise.all([
    userOf(ctx, code.userId),
    findUserSession(ctx.store, ctx.environment.id, code.sessionId),
  ]);
  return completeSignIn(ctx, {
    user,
    method: methodOfSession(session?.authMethod ?? "password"),
    sessionId: code.sessionId,
    session,
    organizationId: code.organizationId,
    nonce: code.nonce,
    scope: code.scope,
  });
};

/** `password`: an email and password of the environment's user (throttled). */
const passwordGrant: Grant = async (ctx, request) => {
  const user = await signInWithPassword(ctx, {
    email: required(request, "email"),
    password: required(request, "password"),
    clientAddress: request.clientAddress,
    ipAddress: request.ipAddress,
    userAgent: request.userAgent,
  });
  await requireVerifiedEmail(ctx, user, { method: "Password", ipAddress: request.ipAddress, userAgent: request.userAgent });
  return completeSignIn(ctx, {
    user,
    method: "Password",
    ipAddress: request.ipAddress,
    userAgent: request.userAgent,
    scope: request.fields.scope,
  });
};

/** `refresh_token`: rotates the token; `organization_id` switches the session to another of the user's organizations. */
const refreshTokenGrant: Grant = async (ctx, request) => {
  const token = required(request, "refresh_token");
  const organizationId = request.fields.organization_id || undefined;
  if (organizationId) {
    // A switch the user may not make is refused before the token is used (it stays valid).
    const current = await sessionOfRefreshToken(ctx, token);
    if (current && !(await membershipRole(ctx, current.userId, organizationId)))
      throw invalidGrant("The user is not a member of this organization.");
  }
  const { session, refreshToken } = await rotateRefreshToken(ctx, token);
  const user = await userOf(ctx, session.userId);
  return completeSignIn(ctx, {
    user,
    method: methodOfSession(session.authMethod),
    sessionId: session.id,
    session,
    organizationId,
    scope: request.fields.scope,
    refreshToken,
  });
};

/**
 * The grants of `POST /user_management/authenticate`, keyed by grant_type. Other sign-in methods add theirs here
 * (the magic-auth and email-verification codes: `urn:workos:oauth:grant-type:magic-auth:code`, …).
 */
export const AUTHENTICATE_GRANTS: Record<string, Grant> = {
  authorization_code: authorizationCodeGrant,
  password: passwordGrant,
  refresh_token: refreshTokenGrant,
  ...CODE_GRANTS,
};

/** The grants of the standard token endpoint (`{issuer}/oauth2/token`). */
export const TOKEN_ENDPOINT_GRANTS: Record<string, Grant> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
};

/** Runs the grant named by `grant_type` from a table, or 400 unsupported_grant_type. */
export function runGrant(table: Record<string, Grant>, ctx: SignInContext, request: GrantRequest) {
  const grantType = request.fields.grant_type ?? "";
  if (!grantType) throw invalidRequest("grant_type is required.");
  const grant = Object.hasOwn(table, grantType) ? table[grantType] : undefined;
  if (!grant) throw unsupportedGrantType(grantType, Object.keys(table));
  return grant(ctx, request);
}

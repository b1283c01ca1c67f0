import { ApiError } from "../../lib/errors";
import type { UserRow } from "../users";
import type { CodeScope } from "./codes";
import { completeSignIn } from "./complete";
import { eventScope, type SignInContext } from "./context";
import { completePendingAuthentication, refuseUnverifiedEmail } from "./email-verification";
import { invalidGrant, invalidRequest } from "./errors";
import type { Grant, GrantRequest } from "./grant";
import { redeemMagicAuth } from "./magic-auth";
import { secretsKey } from "./one-time-secrets";
import type { AuthenticationMethod } from "./sessions";

/**
 * The grants of one-time codes (`urn:workos:oauth:grant-type:magic-auth:code`,
 * `urn:workos:oauth:grant-type:email-verification:code`) and the email-verification gate every other sign-in
 * passes through (`requireVerifiedEmail`).
 */

/** The one-time codes' scope of a sign-in context. */
const codeScopeOf = async (ctx: SignInContext): Promise<CodeScope> => ({
  ...eventScope(ctx),
  key: await secretsKey(ctx.env.SIGNING_KEY_SECRET),
  origin: ctx.origin,
});

/**
 * Call after a user proved who they are (a correct password, …), before `completeSignIn`: when the environment
 * requires verified emails and this user's is not, sends them a code and throws 403 `email_verification_required`
 * with a `pending_authentication_token` (for the email-verification grant of the same application), the `email`
 * and the `email_verification_id`.
 *
 * @example
 * const user = await signInWithPassword(ctx, input);
 * await requireVerifiedEmail(ctx, user, { method: "Password", ipAddress, userAgent });
 * return completeSignIn(ctx, { user, method: "Password", … });
 */
export async function requireVerifiedEmail(
  ctx: SignInContext,
  user: UserRow,
  signIn: { method: AuthenticationMethod; organizationId?: string | null; ipAddress?: string | null; userAgent?: string | null },
) {
  if (!ctx.environment.requireEmailVerification || user.emailVerified) return;
  await refuseUnverifiedEmail(await codeScopeOf(ctx), user, {
    clientId: ctx.application.clientId,
    method: signIn.method,
    organizationId: signIn.organizationId,
    ip_address: signIn.ipAddress,
    user_agent: signIn.userAgent,
  });
}

const field = (request: GrantRequest, name: string) => {
  const value = request.fields[name];
  if (typeof value !== "string" || value.length === 0) throw invalidRequest(`${name} is required.`);
  return value;
};

/** A refused code is a refused grant (400 invalid_grant: the SDK's terminal OauthException), saying why. */
const asRefusedGrant = (err: unknown) =>
  err instanceof ApiError && (err.code === "one_time_code_expired" || err.code === "one_time_code_invalid")
    ? invalidGrant(err.message)
    : err;

/** `urn:workos:oauth:grant-type:magic-auth:code`: an email's Magic Auth code; an email without a user signs up. */
const magicAuthGrant: Grant = async (ctx, request) => {
  const user = await redeemMagicAuth(await codeScopeOf(ctx), {
    email: field(request, "email"),
    code: field(request, "code"),
    ip_address: request.ipAddress,
    user_agent: request.userAgent,
  }).catch((err) => {
    throw asRefusedGrant(err);
  });
  return completeSignIn(ctx, {
    user,
    method: "MagicAuth",
    ipAddress: request.ipAddress,
    userAgent: request.userAgent,
    scope: request.fields.scope,
  });
};

/** `urn:workos:oauth:grant-type:email-verification:code`: completes the sign-in `requireVerifiedEmail` refused. */
const emailVerificationGrant: Grant = async (ctx, request) => {
  const done = await completePendingAuthentication(await codeScopeOf(ctx), {
    pending_authentication_token: field(request, "pending_authentication_token"),
    code: field(request, "code"),
    clientId: ctx.application.clientId,
    ip_address: request.ipAddress,
    user_agent: request.userAgent,
  }).catch((err) => {
    throw asRefusedGrant(err);
  });
  return completeSignIn(ctx, {
    user: done.user,
    method: done.method as AuthenticationMethod,
    organizationId: done.organizationId,
    ipAddress: request.ipAddress,
    userAgent: request.userAgent,
    scope: request.fields.scope,
  });
};

export const CODE_GRANTS: Record<string, Grant> = {
  "urn:workos:oauth:grant-type:magic-auth:code": magicAuthGrant,
  "urn:workos:oauth:grant-type:email-verification:code": emailVerificationGrant,
};

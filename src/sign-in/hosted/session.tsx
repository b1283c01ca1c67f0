import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { writerOf } from "../../commands/scope";
import { acceptSignInInvitation, forgetBrowserSession, signInBrowser } from "../../commands/sign-in";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/errors";
import { environmentKeyScope } from "../../middleware/command-scope";
import { activeBrowserSession, browserCookieName } from "../../services/browser-sessions";
import { mailVerificationCode } from "../../services/hosted-email";
import { type AuthenticationMethod, issueAuthorizationCode, type SignInContext } from "../../services/sign-in";
import { requireVerifiedEmail } from "../../services/sign-in/code-grants";
import type { CodeScope } from "../../services/sign-in/codes";
import { findInvitationByToken } from "../../services/sign-in/invitations";
import type { UserRow } from "../../services/users";
import { originOf } from "../context";
import { VerifyEmailPage } from "../page";
import {
  AUTHORIZE,
  attemptOf,
  back,
  codeScopeOf,
  deliver,
  type HostedClient,
  page,
  type Started,
  secureCookies,
  storeOfClient,
  viewUrl,
} from "./request";

/**
 * How a way in ends: the email verification an environment may require, the invitation a request carries, the
 * user's and the browser's sessions, and the code sent back to the application.
 */

/** The sign-in services' context for a request's application. */
export const contextOf = (c: Context<AppEnv>, client: HostedClient): SignInContext => ({
  env: c.env,
  db: c.var.db,
  store: storeOfClient(c, client),
  environment: client.environment,
  application: client.application,
  origin: originOf(c),
  waitUntil: (p) => c.executionCtx.waitUntil(p),
  onDeliveriesQueued: writerOf(environmentKeyScope(c, client.environment)).onDeliveriesQueued,
});

/**
 * After a user proved who they are: when the environment requires verified addresses and theirs is not, a code
 * goes to their inbox and the page asks for it; otherwise an invitation the request carries is accepted and the
 * user is signed in.
 */
export async function proceed(c: Context<AppEnv>, started: Started, user: UserRow, method: AuthenticationMethod) {
  const scope = await codeScopeOf(c, started.client);
  try {
    const { ip_address: ipAddress, user_agent: userAgent } = attemptOf(c);
    await requireVerifiedEmail(contextOf(c, started.client), user, { method, ipAddress, userAgent });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === "email_verification_required")) throw err;
    const details = err.details as { pending_authentication_token: string; email: string; email_verification_id: string };
    const mailed = await mailVerificationCode(scope, c.var.db, details.email_verification_id, viewUrl(c, AUTHORIZE));
    deliver(c, mailed);
    return verifyView(c, started, details.pending_authentication_token, details.email, 200);
  }
  await acceptInvited(c, started, scope, user);
  return signedIn(c, started, user.id, method);
}

/** Accepts the request's invitation when it is pending and addressed to this user (the membership comes with it). */
export async function acceptInvited(c: Context<AppEnv>, started: Started, scope: CodeScope, user: Pick<UserRow, "email">) {
  const token = started.request.invitationToken;
  if (!token) return;
  const invitation = await invitationOf(scope, token);
  if (invitation?.state === "pending" && invitation.email === user.email)
    await acceptSignInInvitation(environmentKeyScope(c, started.client.environment), { id: invitation.id });
}

/** The invitation a token names, or undefined when it names none. */
export const invitationOf = async (scope: CodeScope, token: string) => {
  try {
    return await findInvitationByToken(scope, token);
  } catch (err) {
    if (err instanceof ApiError && err.code === "invitation_not_found") return undefined;
    throw err;
  }
};

/** The page asking for the code an email verification sent. */
export const verifyView = (
  c: Context<AppEnv>,
  started: Started,
  pendingToken: string,
  email: string,
  status: 200 | 400,
  error?: string,
) =>
  page(
    c,
    status,
    <VerifyEmailPage
      look={started.look}
      action={viewUrl(c, `${AUTHORIZE}/verify-email`)}
      pendingToken={pendingToken}
      email={email}
      error={error}
    />,
  );

/**
 * The end of every way in: the user's session, the browser session that signs the browser in to the
 * environment's other applications, and a code for this one, sent back with a 303 (a form was posted).
 */
export async function signedIn(c: Context<AppEnv>, started: Started, userId: string, method: AuthenticationMethod) {
  const { client } = started;
  const secure = secureCookies(c);
  const name = browserCookieName(client.environment.id, secure);
  const { session, token } = await signInBrowser(environmentKeyScope(c, client.environment), {
    userId,
    clientId: client.application.clientId,
    method,
    ipAddress: c.req.header("CF-Connecting-IP") ?? null,
    userAgent: c.req.header("User-Agent") ?? null,
    // A browser signing in again (prompt=login, another account) drops the browser session it had.
    previousToken: getCookie(c, name),
  });
  setCookie(c, name, token, {
    path: "/",
    httpOnly: true,
    secure,
    sameSite: "Lax",
    expires: new Date(session.expiresAt),
  });
  return codeBack(c, started, session.id, userId, 303);
}

/** Sends the application a code for the session. */
export async function codeBack(c: Context<AppEnv>, started: Started, sessionId: string, userId: string, status: 302 | 303) {
  const { client, request, issuer } = started;
  const code = await issueAuthorizationCode(contextOf(c, client), {
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    nonce: request.nonce,
    scope: request.scope,
    sessionId,
    userId,
  });
  return back(c, request.redirectUri, issuer, { code }, status);
}

/** The browser's session in this environment, when its cookie names an active one. */
export async function browserSessionOf(c: Context<AppEnv>, client: HostedClient) {
  const name = browserCookieName(client.environment.id, secureCookies(c));
  const token = getCookie(c, name);
  if (!token) return undefined;
  const found = await activeBrowserSession(storeOfClient(c, client), client.environment.id, token);
  if (!found) {
    // A cookie naming an ended session is worth nothing: forget it.
    await forgetBrowserSession(environmentKeyScope(c, client.environment), { token });
    deleteCookie(c, name, { path: "/", secure: secureCookies(c) });
  }
  return found;
}

import { endBrowserSession, endBrowserSessions, startBrowserSession } from "../services/browser-sessions";
import { type AuthenticationMethod, createUserSession, revokeSessionsOfUser, revokeUserSession } from "../services/sign-in";
import type { CodeScope } from "../services/sign-in/codes";
import { acceptUserInvitation } from "../services/sign-in/invitations";
import { secretsKey } from "../services/sign-in/one-time-secrets";
import { resetUserPassword } from "../services/sign-in/password-reset";
import { recordSessionLocation } from "../services/sign-in/session-locations";
import { type EnvironmentScope, writerOf } from "./scope";

/**
 * The hosted sign-in page's writes (src/sign-in/hosted/): signing a browser in and out of an environment,
 * accepting the invitation a sign-in carries, and resetting a password from an emailed link.
 */

/** The scope of an environment's one-time codes, invitations and resets: links point to PUBLIC_URL, else the request's origin. */
export const codeScopeFor = async (scope: EnvironmentScope): Promise<CodeScope> => ({
  ...writerOf(scope),
  key: await secretsKey(scope.env.SIGNING_KEY_SECRET),
  origin: scope.env.PUBLIC_URL || (scope.origin ?? ""),
});

/**
 * Signs a browser in: the user's session (`session.created`) and the browser session that signs the browser in to
 * the environment's other applications. The browser session the browser had (`previousToken`, a browser signing
 * in again: prompt=login, another account) ends. Returns the user session and the new browser session's token.
 */
export async function signInBrowser(
  scope: EnvironmentScope,
  input: {
    userId: string;
    clientId: string;
    method: AuthenticationMethod;
    ipAddress: string | null;
    userAgent: string | null;
    previousToken?: string;
  },
) {
  const { previousToken, ...signIn } = input;
  const session = await createUserSession(writerOf(scope), signIn);
  await recordSessionLocation(scope.db, scope.environment, session.id);
  if (previousToken) await endBrowserSession(scope.store, scope.environment.id, previousToken);
  const token = await startBrowserSession(scope.store, scope.environment.id, session);
  return { session, token };
}

/** Ends the browser session a cookie names (one that is no longer active is worth nothing). */
export const forgetBrowserSession = (scope: EnvironmentScope, input: { token: string }) =>
  endBrowserSession(scope.store, scope.environment.id, input.token);

/**
 * Signs out of a user session (`session.revoked`): the browser sessions made from it end, and so does the
 * signing-out browser's own (`browserToken`), whichever session it named.
 */
export async function signOutBrowser(scope: EnvironmentScope, input: { sessionId: string; browserToken?: string }) {
  await revokeUserSession(writerOf(scope), scope.environment.id, input.sessionId);
  await endBrowserSessions(scope.store, scope.environment.id, input.sessionId);
  if (input.browserToken) await endBrowserSession(scope.store, scope.environment.id, input.browserToken);
}

/** Accepts a pending invitation on sign-in (the membership comes with it). */
export const acceptSignInInvitation = async (scope: EnvironmentScope, input: { id: string }) =>
  acceptUserInvitation(await codeScopeFor(scope), input.id);

/** Sets a new password with a reset link's token (used up) and ends the user's sessions; answers `{user}`. */
export async function resetSignInPassword(scope: EnvironmentScope, input: { token: string; new_password: string }) {
  const codes = await codeScopeFor(scope);
  return resetUserPassword(codes, input, (userId) => revokeSessionsOfUser(codes, scope.environment.id, userId));
}

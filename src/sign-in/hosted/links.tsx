import type { Context } from "hono";
import * as v from "valibot";
import { acceptSignInInvitation, resetSignInPassword } from "../../commands/sign-in";
import { createUser } from "../../commands/users";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { environmentKeyScope } from "../../middleware/command-scope";
import { applicationByClientId, INCORRECT_CREDENTIALS, signInWithPassword } from "../../services/sign-in";
import { listUsers } from "../../services/users";
import { clientAddressOf } from "../context";
import { type Look, MessagePage, ResetPasswordPage, SignInPage, SignUpPage } from "../page";
import {
  codeScopeOf,
  DEFAULT_LOOK,
  firstMessage,
  formFieldsOf,
  type HostedClient,
  lookOf,
  Password,
  page,
  refused,
  sameOrigin,
  storeOfClient,
} from "./request";
import { contextOf, invitationOf } from "./session";

/**
 * The links the environment API hands out (`password_reset_url`, `accept_invitation_url`), for a person to open in
 * a browser: `/user_management/{client_id}/reset_password?token=…` and `…/accept_invitation?invitation_token=…`.
 * The client id names the environment (tokens are looked up per environment). There is no authorization request and
 * so no redirect URI: each flow ends on a page of its own, nothing here redirects, and nobody is signed in here (the
 * person goes back to the application and signs in there).
 */

const RESET = "/user_management/:client_id/reset_password";
const ACCEPT = "/user_management/:client_id/accept_invitation";

const Token = v.pipe(v.string(), v.nonEmpty(), v.maxLength(256));

const invalidLink = (c: Context<AppEnv>, look: Look) =>
  page(
    c,
    400,
    <MessagePage look={look} title="This link is not valid">
      <p>This link expired, was already used, or was never valid. Ask for a new one.</p>
    </MessagePage>,
  );

/** The client the path names, with its look; or the page that refuses it (unknown: 400, locked production: 403). */
async function clientOf(c: Context<AppEnv>): Promise<{ client: HostedClient; look: Look } | Response> {
  const client = await applicationByClientId(c.var.db, c.req.param("client_id") ?? "");
  if (!client) return invalidLink(c, DEFAULT_LOOK);
  const look = await lookOf(c, client);
  if (client.locked) {
    const locked = new ApiError("environment_locked");
    return refused(c, look, 403, "Sign-in is unavailable", `${locked.message} (environment_locked)`);
  }
  return { client, look };
}

/** The form posts back to the same path (the token travels in the form, not the query). */
const actionOf = (c: Context<AppEnv>) => new URL(c.req.url).pathname;

export const linkRoutes = createRouter()
  .get(RESET, async (c) => {
    const found = await clientOf(c);
    if (found instanceof Response) return found;
    const token = v.safeParse(Token, c.req.query("token"));
    if (!token.success) return invalidLink(c, found.look);
    return page(c, 200, <ResetPasswordPage look={found.look} action={actionOf(c)} token={token.output} />);
  })
  .post(RESET, sameOrigin, async (c) => {
    const found = await clientOf(c);
    if (found instanceof Response) return found;
    const form = await formFieldsOf(c);
    const parsed = v.safeParse(v.object({ token: Token, password: Password }), form);
    if (!parsed.success) {
      if (!v.is(Token, form.token)) return invalidLink(c, found.look);
      return page(
        c,
        400,
        <ResetPasswordPage look={found.look} action={actionOf(c)} token={form.token} error={firstMessage(parsed.issues)} />,
      );
    }
    try {
      // The hosted page's command: sets the password, verifies the email, ends every session of the user.
      await resetSignInPassword(environmentKeyScope(c, found.client.environment), {
        token: parsed.output.token,
        new_password: parsed.output.password,
      });
    } catch (err) {
      if (err instanceof ApiError && err.code === "password_reset_token_invalid") return invalidLink(c, found.look);
      throw err;
    }
    return page(
      c,
      200,
      <MessagePage look={found.look} title="Your password was changed">
        <p>Your password was changed and you were signed out everywhere. Go back to the application and sign in with it.</p>
      </MessagePage>,
    );
  })
  .get(ACCEPT, async (c) => {
    const found = await invitedOf(c);
    if (found instanceof Response) return found;
    const { look, invitation, existing } = found;
    return existing
      ? page(
          c,
          200,
          <SignInPage look={look} action={actionOf(c)} email={invitation.email} notice="Sign in to accept your invitation." />,
        )
      : page(c, 200, <SignUpPage look={look} action={actionOf(c)} invitedEmail={invitation.email} />);
  })
  .post(ACCEPT, sameOrigin, async (c) => {
    const found = await invitedOf(c);
    if (found instanceof Response) return found;
    const { client, look, invitation, existing } = found;
    const form = await formFieldsOf(c);
    const scope = environmentKeyScope(c, client.environment);
    if (existing) {
      const again = (status: 400 | 429, error: string, headers?: Record<string, string>) =>
        page(c, status, <SignInPage look={look} action={actionOf(c)} email={invitation.email} error={error} />, headers);
      const parsed = v.safeParse(v.object({ password: v.pipe(v.string(), v.maxLength(256)) }), form);
      if (!parsed.success) return again(400, INCORRECT_CREDENTIALS);
      try {
        // The invited address's own password, throttled and recorded like every password sign-in.
        await signInWithPassword(contextOf(c, client), {
          email: invitation.email,
          password: parsed.output.password,
          clientAddress: clientAddressOf(c),
          ipAddress: c.req.header("CF-Connecting-IP") ?? null,
          userAgent: c.req.header("User-Agent") ?? null,
        });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.code === "invalid_grant") return again(400, INCORRECT_CREDENTIALS);
        if (err.code === "rate_limited") {
          const wait = Number(err.details.retry_after) || 900;
          return again(429, `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minutes.`, {
            "Retry-After": String(wait),
          });
        }
        throw err;
      }
    } else {
      const parsed = v.safeParse(v.object({ password: Password }), form);
      if (!parsed.success)
        return page(
          c,
          400,
          <SignUpPage look={look} action={actionOf(c)} invitedEmail={invitation.email} error={firstMessage(parsed.issues)} />,
        );
      // The account is the invited address's (whatever the form says): the link proves that inbox.
      await createUser(scope, { email: invitation.email, password: parsed.output.password, email_verified: true });
    }
    await acceptSignInInvitation(scope, { id: invitation.id });
    return page(
      c,
      200,
      <MessagePage look={look} title="Your invitation was accepted">
        <p>
          You joined as <span class="email">{invitation.email}</span>. Go back to the application and sign in.
        </p>
      </MessagePage>,
    );
  });

/** The pending invitation a link names in its environment, and whether its address has an account; or the refusal. */
async function invitedOf(c: Context<AppEnv>) {
  const found = await clientOf(c);
  if (found instanceof Response) return found;
  const token = v.safeParse(Token, c.req.query("invitation_token"));
  if (!token.success) return invalidLink(c, found.look);
  const invitation = await invitationOf(await codeScopeOf(c, found.client), token.output);
  if (invitation?.state !== "pending") return invalidLink(c, found.look);
  const users = await listUsers(storeOfClient(c, found.client), found.client.environment.id, {
    email: invitation.email,
    limit: 1,
    order: "desc",
  });
  return { ...found, invitation, existing: users.data.length > 0 };
}

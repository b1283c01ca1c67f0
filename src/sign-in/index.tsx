import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as v from "valibot";
import { writerOf } from "../commands/scope";
import { deliverOutbox } from "../email/outbox";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { createRouter } from "../lib/router";
import { environmentKeyScope } from "../middleware/command-scope";
import { Email } from "../schemas/fields";
import { DEFAULT_BRANDING, getBranding } from "../services/branding";
import {
  activeBrowserSession,
  browserCookieName,
  endBrowserSession,
  endBrowserSessions,
  sessionForLogout,
  startBrowserSession,
} from "../services/browser-sessions";
import { mailPasswordReset, mailVerificationCode } from "../services/hosted-email";
import {
  type AuthenticationMethod,
  applicationByClientId,
  createUserSession,
  INCORRECT_CREDENTIALS,
  issueAuthorizationCode,
  issuerOf,
  revokeSessionsOfUser,
  revokeUserSession,
  type SignInContext,
  signInWithPassword,
} from "../services/sign-in";
import { requireVerifiedEmail } from "../services/sign-in/code-grants";
import type { CodeScope } from "../services/sign-in/codes";
import { completePendingAuthentication } from "../services/sign-in/email-verification";
import { acceptUserInvitation, findInvitationByToken } from "../services/sign-in/invitations";
import { secretsKey } from "../services/sign-in/one-time-secrets";
import { resetUserPassword } from "../services/sign-in/password-reset";
import { getUser, insertUser, listUsers, type UserRow } from "../services/users";
import {
  type AuthorizationRequest,
  checkAuthorizationRequest,
  clientIdOf,
  type OAuthError,
  redirectBack,
  redirectTarget,
} from "./authorize";
import { clientAddressOf, originOf } from "./context";
import { ForgotPasswordPage, type Look, MessagePage, ResetPasswordPage, SignInPage, SignUpPage, VerifyEmailPage } from "./page";

type HostedClient = NonNullable<Awaited<ReturnType<typeof applicationByClientId>>>;

/**
 * The hosted sign-in surface: `GET /user_management/authorize` (the authorization endpoint of every application),
 * the hosted page's views and forms under `/user_management/authorize/…`, and `GET /user_management/sessions/logout`.
 * Pages for people, not API: HTML in, HTML out, no environment key. The rules live in services/.
 */

export const AUTHORIZE = "/user_management/authorize";
/** The query parameter of a password reset link (the hosted page's reset view, reached from the email). */
const RESET_TOKEN = "password_reset_token";

/** What every view starts from: the client, its environment's look, and the checked request. */
interface Started {
  client: HostedClient;
  look: Look;
  request: AuthorizationRequest;
  issuer: string;
}

const DEFAULT_LOOK: Look = { name: "Sign in", branding: { ...DEFAULT_BRANDING } };

/** The browser cookie is Secure everywhere but local development over plain http (localhost, loopback). */
function secureCookies(c: Context<AppEnv>) {
  const url = new URL(c.req.url);
  return !(url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname));
}

/** Pages are never cached (they carry a request's state), never framed (clickjacking), and send no referrer. */
function page(c: Context<AppEnv>, status: ContentfulStatusCode, body: Child, headers: Record<string, string> = {}) {
  return c.html(body as string, status, {
    "Cache-Control": "no-store",
    "Content-Security-Policy":
      "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    ...headers,
  });
}

const refused = (c: Context<AppEnv>, look: Look, status: 400 | 403, title: string, message: string) =>
  page(
    c,
    status,
    <MessagePage look={look} title={title}>
      <p>{message}</p>
      <p>Nothing was sent back to the application. If you followed a link, tell its owner.</p>
    </MessagePage>,
  );

/** A redirect back to the client: always to the checked redirect URI, with `state` and `iss`. */
function back(
  c: Context<AppEnv>,
  redirectUri: string,
  issuer: string,
  params: Record<string, string | undefined>,
  status: 302 | 303 = 302,
) {
  const state = new URL(c.req.url).searchParams.get("state");
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  return c.redirect(redirectBack(redirectUri, state, issuer, params), status);
}

const oauthError = (c: Context<AppEnv>, redirectUri: string, issuer: string, error: OAuthError, description: string) =>
  back(c, redirectUri, issuer, { error, error_description: description });

/**
 * Checks the request in the query (on every view and every form post: nothing of it is kept between them).
 * Answers the refusal or the error redirect itself, or returns what the view needs.
 */
async function start(c: Context<AppEnv>): Promise<Started | Response> {
  const params = new URL(c.req.url).searchParams;
  const clientId = clientIdOf(params);
  const client = clientId ? await applicationByClientId(c.var.db, clientId) : undefined;
  if (!client)
    return refused(
      c,
      DEFAULT_LOOK,
      400,
      "Unknown application",
      "This sign-in link does not name a known application (client_id).",
    );
  const look = await lookOf(c, client);
  if (client.locked) {
    const locked = new ApiError("environment_locked");
    return refused(c, look, 403, "Sign-in is unavailable", `${locked.message} (environment_locked)`);
  }
  const target = redirectTarget(params, client.application.redirectUris);
  if (!target.ok) return refused(c, look, 400, "Invalid sign-in link", target.message);
  const issuer = issuerOf(originOf(c), client.application.clientId);
  const checked = checkAuthorizationRequest(params, {
    clientId: client.application.clientId,
    redirectUri: target.redirectUri,
    native: client.application.type !== "web",
  });
  if (!checked.ok) return oauthError(c, target.redirectUri, issuer, checked.error, checked.description);
  return { client, look, request: checked.request, issuer };
}

async function lookOf(c: Context<AppEnv>, client: HostedClient): Promise<Look> {
  const { object: _o, environment_id: _e, updated_at: _u, ...branding } = await getBranding(c.var.db, client.environment.id);
  return { name: branding.display_name ?? client.application.name, branding };
}

/** The hosted page's URL for a view, carrying the authorization request's query (with `changes`). */
function viewUrl(c: Context<AppEnv>, path: string, changes: Record<string, string> = {}) {
  const params = new URL(c.req.url).searchParams;
  // A reset link's token belongs to its own view only.
  params.delete(RESET_TOKEN);
  for (const [name, value] of Object.entries(changes)) params.set(name, value);
  return `${path}?${params}`;
}

const links = (c: Context<AppEnv>) => ({
  signIn: viewUrl(c, AUTHORIZE, { screen_hint: "sign-in" }),
  signUp: viewUrl(c, AUTHORIZE, { screen_hint: "sign-up" }),
  forgot: viewUrl(c, `${AUTHORIZE}/forgot-password`),
});

/** The sign-in services' context for a request's application. */
const contextOf = (c: Context<AppEnv>, client: HostedClient): SignInContext => ({
  env: c.env,
  db: c.var.db,
  environment: client.environment,
  application: client.application,
  origin: originOf(c),
  waitUntil: (p) => c.executionCtx.waitUntil(p),
  onDeliveriesQueued: writerOf(environmentKeyScope(c, client.environment)).onDeliveriesQueued,
});

/** The scope of the one-time codes, invitations and resets of a request's environment. */
const codeScopeOf = async (c: Context<AppEnv>, client: HostedClient): Promise<CodeScope> => ({
  ...writerOf(environmentKeyScope(c, client.environment)),
  key: await secretsKey(c.env.SIGNING_KEY_SECRET),
  origin: c.env.PUBLIC_URL || originOf(c),
});

const attempt = (c: Context<AppEnv>) => ({
  ip_address: c.req.header("CF-Connecting-IP") ?? null,
  user_agent: c.req.header("User-Agent") ?? null,
});

/**
 * After a user proved who they are: when the environment requires verified addresses and theirs is not, a code
 * goes to their inbox and the page asks for it; otherwise an invitation the request carries is accepted and the
 * user is signed in.
 */
async function proceed(c: Context<AppEnv>, started: Started, user: UserRow, method: AuthenticationMethod) {
  const scope = await codeScopeOf(c, started.client);
  try {
    const { ip_address: ipAddress, user_agent: userAgent } = attempt(c);
    await requireVerifiedEmail(contextOf(c, started.client), user, { method, ipAddress, userAgent });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === "email_verification_required")) throw err;
    const details = err.details as { pending_authentication_token: string; email: string; email_verification_id: string };
    const mailed = await mailVerificationCode(scope, details.email_verification_id, viewUrl(c, AUTHORIZE));
    deliver(c, mailed);
    return verifyView(c, started, details.pending_authentication_token, details.email, 200);
  }
  await acceptInvited(started, scope, user);
  return signedIn(c, started, user.id, method);
}

/** Accepts the request's invitation when it is pending and addressed to this user (the membership comes with it). */
async function acceptInvited(started: Started, scope: CodeScope, user: Pick<UserRow, "email">) {
  const token = started.request.invitationToken;
  if (!token) return;
  const invitation = await invitationOf(scope, token);
  if (invitation?.state === "pending" && invitation.email === user.email) await acceptUserInvitation(scope, invitation.id);
}

const invitationOf = async (scope: CodeScope, token: string) => {
  try {
    return await findInvitationByToken(scope, token);
  } catch (err) {
    if (err instanceof ApiError && err.code === "invitation_not_found") return undefined;
    throw err;
  }
};

/** Sends queued email after the answer (the cron retries what fails). */
function deliver(c: Context<AppEnv>, messageId: string | undefined) {
  if (!messageId) return;
  c.executionCtx.waitUntil(
    deliverOutbox(c.env, c.var.db, [messageId], fetch, originOf(c)).catch((err) =>
      console.error(JSON.stringify({ request_id: c.var.requestId, email_delivery: messageId, error: String(err) })),
    ),
  );
}

const verifyView = (
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
async function signedIn(c: Context<AppEnv>, started: Started, userId: string, method: AuthenticationMethod) {
  const { client } = started;
  const session = await createUserSession(writerOf(environmentKeyScope(c, client.environment)), {
    userId,
    clientId: client.application.clientId,
    method,
    ipAddress: c.req.header("CF-Connecting-IP") ?? null,
    userAgent: c.req.header("User-Agent") ?? null,
  });
  const secure = secureCookies(c);
  const name = browserCookieName(client.environment.id, secure);
  // A browser signing in again (prompt=login, another account) drops the browser session it had.
  const previous = getCookie(c, name);
  if (previous) await endBrowserSession(c.var.db, client.environment.id, previous);
  const token = await startBrowserSession(c.var.db, client.environment.id, session);
  setCookie(c, name, token, {
    path: "/",
    httpOnly: true,
    secure,
    sameSite: "Lax",
    expires: new Date(session.expiresAt),
  });
  return codeBack(c, started, session.id, userId, 303);
}

async function codeBack(c: Context<AppEnv>, started: Started, sessionId: string, userId: string, status: 302 | 303) {
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
async function browserSessionOf(c: Context<AppEnv>, client: HostedClient) {
  const name = browserCookieName(client.environment.id, secureCookies(c));
  const token = getCookie(c, name);
  if (!token) return undefined;
  const found = await activeBrowserSession(c.var.db, client.environment.id, token);
  if (!found) {
    // A cookie naming an ended session is worth nothing: forget it.
    await endBrowserSession(c.var.db, client.environment.id, token);
    deleteCookie(c, name, { path: "/", secure: secureCookies(c) });
  }
  return found;
}

/** A form's fields, as strings (a repeated field counts once; files are ignored). */
async function formOf(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"));
}

const Password = v.pipe(
  v.string("is required."),
  v.minLength(8, "Use at least 8 characters."),
  v.maxLength(256, "Use at most 256 characters."),
);
const SignInForm = v.object({
  email: v.pipe(v.string(), v.trim(), v.maxLength(320)),
  password: v.pipe(v.string(), v.maxLength(256)),
});
const SignUpForm = v.object({ email: v.pipe(Email, v.toLowerCase()), password: Password });
const VerifyForm = v.object({
  pending_authentication_token: v.pipe(v.string(), v.nonEmpty(), v.maxLength(256)),
  code: v.pipe(v.string(), v.trim(), v.regex(/^\d{6}$/)),
});
const firstMessage = (issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]) => {
  const issue = issues[0];
  const field = v.getDotPath(issue);
  return field === "email" ? "Enter a valid email address." : field === "password" ? `Password: ${issue.message}` : issue.message;
};

/**
 * Form posts must come from this origin (CSRF): the browser's Origin or its Sec-Fetch-Site says so. Answered
 * here, before the request is even checked, with a page (not the API's JSON).
 */
async function sameOrigin(c: Context<AppEnv>, next: () => Promise<void>) {
  const site = c.req.header("Sec-Fetch-Site");
  if (site === "same-origin" || c.req.header("Origin") === originOf(c)) return next();
  return refusedPost(c);
}
const refusedPost = (c: Context<AppEnv>) =>
  page(
    c,
    403,
    <MessagePage look={DEFAULT_LOOK} title="Request refused">
      <p>This form was not sent from the sign-in page. Go back to the application and sign in again.</p>
    </MessagePage>,
  );

const LogoutQuery = v.object({
  session_id: v.optional(v.pipe(v.string(), v.maxLength(100))),
  return_to: v.optional(v.pipe(v.string(), v.maxLength(2048))),
});

export const signInSurface = createRouter()
  // Pages answer with pages: a refusal the views did not expect is shown, not answered as the API's JSON.
  .onError((err, c) => {
    if (err instanceof ApiError) {
      return page(
        c,
        err.status,
        <MessagePage look={DEFAULT_LOOK} title="Sign-in failed">
          <p>{err.message}</p>
        </MessagePage>,
      );
    }
    console.error(JSON.stringify({ request_id: c.var.requestId, error: String(err), stack: err?.stack }));
    return page(
      c,
      500,
      <MessagePage look={DEFAULT_LOOK} title="Something went wrong">
        <p>Something went wrong on our side. Go back to the application and try again. Request id: {c.var.requestId}.</p>
      </MessagePage>,
    );
  })
  .get(AUTHORIZE, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const { client, request, look, issuer } = started;
    if (request.prompt !== "login") {
      const browser = await browserSessionOf(c, client);
      if (browser) {
        if (request.invitationToken)
          await acceptInvited(
            started,
            await codeScopeOf(c, client),
            await getUser(c.var.db, client.environment.id, browser.userId),
          );
        return codeBack(c, started, browser.sessionId, browser.userId, 302);
      }
    }
    if (request.prompt === "none")
      return oauthError(c, request.redirectUri, issuer, "login_required", "The user is not signed in.");
    const view = { look, email: request.loginHint, links: links(c) };
    if (request.invitationToken) {
      const scope = await codeScopeOf(c, client);
      const invitation = await invitationOf(scope, request.invitationToken);
      if (invitation?.state !== "pending")
        return page(
          c,
          200,
          <SignInPage
            {...view}
            action={viewUrl(c, `${AUTHORIZE}/sign-in`)}
            error="This invitation is no longer valid. Sign in, or ask for a new invitation."
          />,
        );
      // An invited address with an account signs in to accept; one without signs up.
      const existing = await listUsers(c.var.db, client.environment.id, { email: invitation.email, limit: 1, order: "desc" });
      return existing.data.length > 0
        ? page(
            c,
            200,
            <SignInPage
              {...view}
              email={invitation.email}
              notice="Sign in to accept your invitation."
              action={viewUrl(c, `${AUTHORIZE}/sign-in`)}
            />,
          )
        : page(c, 200, <SignUpPage {...view} invitedEmail={invitation.email} action={viewUrl(c, `${AUTHORIZE}/sign-up`)} />);
    }
    return request.screenHint === "sign-up"
      ? page(c, 200, <SignUpPage {...view} action={viewUrl(c, `${AUTHORIZE}/sign-up`)} />)
      : page(c, 200, <SignInPage {...view} action={viewUrl(c, `${AUTHORIZE}/sign-in`)} />);
  })
  .post(`${AUTHORIZE}/sign-in`, sameOrigin, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const form = await formOf(c);
    const view = (status: 400 | 429, error: string, headers?: Record<string, string>) =>
      page(
        c,
        status,
        <SignInPage
          look={started.look}
          action={viewUrl(c, `${AUTHORIZE}/sign-in`)}
          error={error}
          email={form.email}
          links={links(c)}
        />,
        headers,
      );
    const parsed = v.safeParse(SignInForm, form);
    if (!parsed.success) return view(400, INCORRECT_CREDENTIALS);
    try {
      const user = await signInWithPassword(contextOf(c, started.client), {
        email: parsed.output.email,
        password: parsed.output.password,
        clientAddress: clientAddressOf(c),
        ipAddress: c.req.header("CF-Connecting-IP") ?? null,
        userAgent: c.req.header("User-Agent") ?? null,
      });
      return await proceed(c, started, user, "Password");
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === "invalid_grant") return view(400, INCORRECT_CREDENTIALS);
      if (err.code === "rate_limited") {
        const wait = Number(err.details.retry_after) || 900;
        return view(429, `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minutes.`, {
          "Retry-After": String(wait),
        });
      }
      throw err;
    }
  })
  .post(`${AUTHORIZE}/sign-up`, sameOrigin, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const form = await formOf(c);
    const view = (error: string) =>
      page(
        c,
        400,
        <SignUpPage
          look={started.look}
          action={viewUrl(c, `${AUTHORIZE}/sign-up`)}
          error={error}
          email={form.email}
          links={links(c)}
        />,
      );
    const parsed = v.safeParse(SignUpForm, form);
    if (!parsed.success) return view(firstMessage(parsed.issues));
    try {
      // Signing up through an invitation's link proves the inbox it was sent to.
      const scope = await codeScopeOf(c, started.client);
      const token = started.request.invitationToken;
      const invitation = token ? await invitationOf(scope, token) : undefined;
      const invited = invitation?.state === "pending" && invitation.email === parsed.output.email;
      const created = await insertUser(scope, { ...parsed.output, ...(invited ? { email_verified: true } : {}) });
      return await proceed(c, started, await getUser(c.var.db, started.client.environment.id, created.id), "Password");
    } catch (err) {
      if (err instanceof ApiError && err.code === "email_not_available")
        return view("An account with this email already exists. Sign in instead.");
      throw err;
    }
  })
  .post(`${AUTHORIZE}/verify-email`, sameOrigin, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const form = await formOf(c);
    const parsed = v.safeParse(VerifyForm, form);
    const pendingToken = form.pending_authentication_token ?? "";
    if (!parsed.success)
      return verifyView(c, started, pendingToken, form.email ?? "", 400, "Enter the 6-digit code from the email.");
    const scope = await codeScopeOf(c, started.client);
    try {
      const { user, method } = await completePendingAuthentication(scope, {
        pending_authentication_token: parsed.output.pending_authentication_token,
        code: parsed.output.code,
        clientId: started.client.application.clientId,
        ...attempt(c),
      });
      await acceptInvited(started, scope, user);
      return await signedIn(c, started, user.id, method as AuthenticationMethod);
    } catch (err) {
      if (err instanceof ApiError && err.code === "one_time_code_invalid")
        return verifyView(c, started, pendingToken, form.email ?? "", 400, err.message);
      if (err instanceof ApiError && err.code === "one_time_code_expired")
        return page(
          c,
          400,
          <SignInPage
            look={started.look}
            action={viewUrl(c, `${AUTHORIZE}/sign-in`)}
            links={links(c)}
            error="The code expired or was used up. Sign in again to get a new one."
          />,
        );
      throw err;
    }
  })
  .get(`${AUTHORIZE}/forgot-password`, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    return page(
      c,
      200,
      <ForgotPasswordPage
        look={started.look}
        action={viewUrl(c, `${AUTHORIZE}/forgot-password`)}
        email={started.request.loginHint}
        links={links(c)}
      />,
    );
  })
  .post(`${AUTHORIZE}/forgot-password`, sameOrigin, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const form = await formOf(c);
    const parsed = v.safeParse(v.object({ email: v.pipe(Email, v.toLowerCase()) }), form);
    const view = (status: 200 | 400, props: { error?: string; notice?: string }) =>
      page(
        c,
        status,
        <ForgotPasswordPage
          look={started.look}
          action={viewUrl(c, `${AUTHORIZE}/forgot-password`)}
          email={form.email}
          links={links(c)}
          {...props}
        />,
      );
    if (!parsed.success) return view(400, { error: "Enter a valid email address." });
    const scope = await codeScopeOf(c, started.client);
    const mailed = await mailPasswordReset(scope, parsed.output.email, (token) =>
      viewUrl(c, `${AUTHORIZE}/reset-password`, { [RESET_TOKEN]: token }),
    );
    deliver(c, mailed);
    // The same answer whether or not the address has an account.
    return view(200, { notice: `If ${parsed.output.email} has an account, a link to choose a new password is on its way.` });
  })
  .get(`${AUTHORIZE}/reset-password`, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const token = c.req.query(RESET_TOKEN) ?? "";
    return page(
      c,
      200,
      <ResetPasswordPage look={started.look} action={viewUrl(c, `${AUTHORIZE}/reset-password`)} token={token} links={links(c)} />,
    );
  })
  .post(`${AUTHORIZE}/reset-password`, sameOrigin, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const form = await formOf(c);
    const token = form.token ?? "";
    const parsed = v.safeParse(v.object({ token: v.pipe(v.string(), v.nonEmpty(), v.maxLength(256)), password: Password }), form);
    const again = (error: string) =>
      page(
        c,
        400,
        <ResetPasswordPage
          look={started.look}
          action={viewUrl(c, `${AUTHORIZE}/reset-password`)}
          token={token}
          links={links(c)}
          error={error}
        />,
      );
    if (!parsed.success) return again(firstMessage(parsed.issues));
    const scope = await codeScopeOf(c, started.client);
    try {
      const { user } = await resetUserPassword(
        scope,
        { token: parsed.output.token, new_password: parsed.output.password },
        (userId) => revokeSessionsOfUser(scope, started.client.environment.id, userId),
      );
      return page(
        c,
        200,
        <SignInPage
          look={started.look}
          action={viewUrl(c, `${AUTHORIZE}/sign-in`)}
          links={links(c)}
          email={user.email}
          notice="Your password was changed. Sign in with it."
        />,
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === "password_reset_token_invalid")
        return page(
          c,
          400,
          <ForgotPasswordPage
            look={started.look}
            action={viewUrl(c, `${AUTHORIZE}/forgot-password`)}
            links={links(c)}
            error="This link expired or was already used. Ask for a new one."
          />,
        );
      throw err;
    }
  })
  .get("/user_management/sessions/logout", async (c) => {
    const parsed = v.safeParse(LogoutQuery, c.req.query());
    const { session_id: sessionId, return_to: returnTo } = parsed.success ? parsed.output : {};
    const found = sessionId ? await sessionForLogout(c.var.db, sessionId) : undefined;
    if (!found) return signedOut(c, DEFAULT_LOOK);
    const client = await applicationByClientId(c.var.db, found.clientId);
    const look = client ? await lookOf(c, client) : DEFAULT_LOOK;
    if (client?.locked) {
      const locked = new ApiError("environment_locked");
      return refused(c, look, 403, "Sign-out is unavailable", `${locked.message} (environment_locked)`);
    }
    const environment = writerOf(environmentKeyScope(c, found.environment));
    await revokeUserSession(environment, found.environment.id, found.id);
    await endBrowserSessions(c.var.db, found.environment.id, found.id);
    // This browser's own session in the environment ends too, whichever session it named.
    const secure = secureCookies(c);
    const name = browserCookieName(found.environment.id, secure);
    const token = getCookie(c, name);
    if (token) await endBrowserSession(c.var.db, found.environment.id, token);
    deleteCookie(c, name, { path: "/", secure });
    // Only a registered URI of the session's own application: no open redirect.
    if (
      returnTo &&
      client &&
      client.environment.id === found.environment.id &&
      client.application.logoutRedirectUris.includes(returnTo)
    ) {
      c.header("Cache-Control", "no-store");
      return c.redirect(returnTo, 302);
    }
    return signedOut(c, look);
  });

const signedOut = (c: Context<AppEnv>, look: Look) =>
  page(
    c,
    200,
    <MessagePage look={look} title="You are signed out">
      <p>You have been signed out. You can close this page.</p>
    </MessagePage>,
  );

import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as v from "valibot";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { createRouter } from "../lib/router";
import { Email } from "../lib/validation";
import { DEFAULT_BRANDING, getBranding } from "../services/branding";
import {
  activeBrowserSession,
  browserCookieName,
  endBrowserSession,
  endBrowserSessions,
  sessionForLogout,
  startBrowserSession,
} from "../services/browser-sessions";
import {
  type AuthenticationMethod,
  applicationByClientId,
  createUserSession,
  INCORRECT_CREDENTIALS,
  issueAuthorizationCode,
  issuerOf,
  revokeUserSession,
  type SignInContext,
  signInWithPassword,
} from "../services/sign-in";
import { createUser } from "../services/users";
import { environmentScope } from "../webhooks/scope";
import {
  type AuthorizationRequest,
  checkAuthorizationRequest,
  clientIdOf,
  type OAuthError,
  redirectBack,
  redirectTarget,
} from "./authorize";
import { clientAddressOf, originOf } from "./context";
import { type Look, MessagePage, SignInPage, SignUpPage } from "./page";

type HostedClient = NonNullable<Awaited<ReturnType<typeof applicationByClientId>>>;

/**
 * The hosted sign-in surface: `GET /user_management/authorize` (the authorization endpoint of every application),
 * the hosted page's views and forms under `/user_management/authorize/…`, and `GET /user_management/sessions/logout`.
 * Pages for people, not API: HTML in, HTML out, no environment key. The rules live in services/.
 */

export const AUTHORIZE = "/user_management/authorize";

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
  onDeliveriesQueued: environmentScope(c, client.environment).onDeliveriesQueued,
});

/**
 * The end of every way in: the user's session, the browser session that signs the browser in to the
 * environment's other applications, and a code for this one, sent back with a 303 (a form was posted).
 */
async function signedIn(c: Context<AppEnv>, started: Started, userId: string, method: AuthenticationMethod) {
  const { client } = started;
  const session = await createUserSession(environmentScope(c, client.environment), {
    userId,
    clientId: client.application.clientId,
    method,
    ipAddress: c.req.header("CF-Connecting-IP") ?? null,
    userAgent: c.req.header("User-Agent") ?? null,
  });
  const token = await startBrowserSession(c.var.db, client.environment.id, session);
  const secure = secureCookies(c);
  setCookie(c, browserCookieName(client.environment.id, secure), token, {
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
      if (browser) return codeBack(c, started, browser.sessionId, browser.userId, 302);
    }
    if (request.prompt === "none")
      return oauthError(c, request.redirectUri, issuer, "login_required", "The user is not signed in.");
    const view = { look, email: request.loginHint, links: links(c) };
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
      return await signedIn(c, started, user.id, "Password");
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
      const user = await createUser(environmentScope(c, started.client.environment), parsed.output);
      return await signedIn(c, started, user.id, "Password");
    } catch (err) {
      if (err instanceof ApiError && err.code === "email_not_available")
        return view("An account with this email already exists. Sign in instead.");
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
    const environment = environmentScope(c, found.environment);
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

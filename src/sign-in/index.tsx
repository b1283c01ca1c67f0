import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { createRouter } from "../lib/router";
import { DEFAULT_BRANDING, getBranding } from "../services/branding";
import { type HostedClient, hostedClientOf } from "../services/hosted-clients";
import {
  type AuthorizationRequest,
  checkAuthorizationRequest,
  clientIdOf,
  type OAuthError,
  redirectBack,
  redirectTarget,
} from "./authorize";
import { type Look, MessagePage, SignInPage, SignUpPage } from "./page";

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

/** The issuer of an application (its tokens' `iss`, its discovery document's `issuer`, the `iss` of RFC 9207). */
const issuerFor = (c: Context<AppEnv>, clientId: string) => `${new URL(c.req.url).origin}/user_management/${clientId}`;

/** Pages are never cached (they carry a request's state), never framed (clickjacking), and send no referrer. */
function page(c: Context<AppEnv>, status: 200 | 400 | 403 | 429 | 500, body: Child, headers: Record<string, string> = {}) {
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
  const client = clientId ? await hostedClientOf(c.var.db, clientId) : undefined;
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
  const issuer = issuerFor(c, client.application.clientId);
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

export const signInSurface = createRouter().get(AUTHORIZE, async (c) => {
  const started = await start(c);
  if (started instanceof Response) return started;
  const { request, look, issuer } = started;
  if (request.prompt === "none")
    return oauthError(c, request.redirectUri, issuer, "login_required", "The user is not signed in.");
  const view = { look, email: request.loginHint, links: links(c) };
  return request.screenHint === "sign-up"
    ? page(c, 200, <SignUpPage {...view} action={viewUrl(c, `${AUTHORIZE}/sign-up`)} />)
    : page(c, 200, <SignInPage {...view} action={viewUrl(c, `${AUTHORIZE}/sign-in`)} />);
});

import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as v from "valibot";
import { codeScopeFor } from "../../commands/sign-in";
import { storeOf } from "../../db/store-client";
import { deliverOutbox } from "../../email/outbox";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/errors";
import { environmentKeyScope } from "../../middleware/command-scope";
import { DEFAULT_BRANDING, getBranding } from "../../services/branding";
import { applicationByClientId, issuerOf } from "../../services/sign-in";
import {
  type AuthorizationRequest,
  checkAuthorizationRequest,
  clientIdOf,
  type OAuthError,
  redirectBack,
  redirectTarget,
} from "../authorize";
import { originOf } from "../context";
import { type Look, MessagePage } from "../page";

/**
 * What every view and form of the hosted page starts from: the authorization request in the query, checked on
 * every request (nothing of it is kept between them), and how pages and redirects are answered.
 */

export type HostedClient = NonNullable<Awaited<ReturnType<typeof applicationByClientId>>>;

export const AUTHORIZE = "/user_management/authorize";
/** The query parameter of a password reset link (the hosted page's reset view, reached from the email). */
export const RESET_TOKEN = "password_reset_token";

/** What every view starts from: the client, its environment's look, and the checked request. */
export interface Started {
  client: HostedClient;
  look: Look;
  request: AuthorizationRequest;
  issuer: string;
}

export const DEFAULT_LOOK: Look = { name: "Sign in", branding: { ...DEFAULT_BRANDING } };

/** The browser cookie is Secure everywhere but local development over plain http (localhost, loopback). */
export function secureCookies(c: Context<AppEnv>) {
  const url = new URL(c.req.url);
  return !(url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname));
}

/** Pages are never cached (they carry a request's state), never framed (clickjacking), and send no referrer. */
export function page(c: Context<AppEnv>, status: ContentfulStatusCode, body: Child, headers: Record<string, string> = {}) {
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

export const refused = (c: Context<AppEnv>, look: Look, status: 400 | 403, title: string, message: string) =>
  page(
    c,
    status,
    <MessagePage look={look} title={title}>
      <p>{message}</p>
      <p>Nothing was sent back to the application. If you followed a link, tell its owner.</p>
    </MessagePage>,
  );

/** A redirect back to the client: always to the checked redirect URI, with `state` and `iss`. */
export function back(
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

export const oauthError = (c: Context<AppEnv>, redirectUri: string, issuer: string, error: OAuthError, description: string) =>
  back(c, redirectUri, issuer, { error, error_description: description });

/**
 * Checks the request in the query (on every view and every form post: nothing of it is kept between them).
 * Answers the refusal or the error redirect itself, or returns what the view needs.
 */
export async function start(c: Context<AppEnv>): Promise<Started | Response> {
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

export async function lookOf(c: Context<AppEnv>, client: HostedClient): Promise<Look> {
  const { object: _o, environment_id: _e, updated_at: _u, ...branding } = await getBranding(c.var.db, client.environment.id);
  return { name: branding.display_name ?? client.application.name, branding };
}

/** The hosted page's URL for a view, carrying the authorization request's query (with `changes`). */
export function viewUrl(c: Context<AppEnv>, path: string, changes: Record<string, string> = {}) {
  const params = new URL(c.req.url).searchParams;
  // A reset link's token belongs to its own view only.
  params.delete(RESET_TOKEN);
  for (const [name, value] of Object.entries(changes)) params.set(name, value);
  return `${path}?${params}`;
}

export const links = (c: Context<AppEnv>) => ({
  signIn: viewUrl(c, AUTHORIZE, { screen_hint: "sign-in" }),
  signUp: viewUrl(c, AUTHORIZE, { screen_hint: "sign-up" }),
  forgot: viewUrl(c, `${AUTHORIZE}/forgot-password`),
});

/** The scope of the one-time codes, invitations and resets of a request's environment. */
export const codeScopeOf = (c: Context<AppEnv>, client: HostedClient) => codeScopeFor(environmentKeyScope(c, client.environment));

/** The data of the request's application's environment (its users, sessions, codes). */
export const storeOfClient = (c: Context<AppEnv>, client: HostedClient) => storeOf(c.env, client.environment, c.var.db);

/** Who is signing in, as the authentication events record it. */
export const attemptOf = (c: Context<AppEnv>) => ({
  ip_address: c.req.header("CF-Connecting-IP") ?? null,
  user_agent: c.req.header("User-Agent") ?? null,
});

/** Sends queued email after the answer (the cron retries what fails). */
export function deliver(c: Context<AppEnv>, messageId: string | undefined) {
  if (!messageId) return;
  c.executionCtx.waitUntil(
    deliverOutbox(c.env, c.var.db, [messageId], fetch, originOf(c)).catch((err) =>
      console.error(JSON.stringify({ request_id: c.var.requestId, email_delivery: messageId, error: String(err) })),
    ),
  );
}

/** A form's fields, as strings (a repeated field counts once; files are ignored). */
export async function formFieldsOf(c: Context<AppEnv>): Promise<Record<string, string>> {
  // A body that is not a readable form is the client's mistake: a 400 page, never a 5xx.
  const body = await c.req.parseBody().catch(() => {
    throw new ApiError("bad_request", "The form could not be read. Go back and send it again.");
  });
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"));
}

export const Password = v.pipe(
  v.string("is required."),
  v.minLength(8, "Use at least 8 characters."),
  v.maxLength(256, "Use at most 256 characters."),
);

/** The first problem of a form, in the page's words. */
export const firstMessage = (issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]) => {
  const issue = issues[0];
  const field = v.getDotPath(issue);
  return field === "email" ? "Enter a valid email address." : field === "password" ? `Password: ${issue.message}` : issue.message;
};

/**
 * Form posts must come from this origin (CSRF): the browser's Origin or its Sec-Fetch-Site says so. Answered
 * here, before the request is even checked, with a page (not the API's JSON).
 */
export async function sameOrigin(c: Context<AppEnv>, next: () => Promise<void>) {
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

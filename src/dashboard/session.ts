import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { authenticateClient, issueToken, tokenTtl, verifyPlatformToken } from "../auth/platform-tokens";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { clientAddress } from "../middleware/rate-limit";
import {
  ABSOLUTE_SECONDS,
  checkPassword,
  createSession,
  personOfSession,
  revokePersonSession,
} from "../services/people/sessions";

/**
 * Two ways into the dashboard:
 * - operators sign in with platform client credentials: the session is the API's access token in an HttpOnly,
 *   SameSite=Strict cookie scoped to /dashboard (it expires like a token; rotating the secret signs them out);
 * - people sign in with email and password: a server-side session (services/people/sessions.ts) whose random
 *   token is the `cp_person` cookie (HttpOnly, Secure, SameSite=Lax so an emailed link lands signed in; idle
 *   12 h, absolute 7 days, revoked at sign-out). Their role is looked up on every request (auth/permissions.ts).
 */
const COOKIE = "cp_session";
const PERSON_COOKIE = "cp_person";

const cookieOptions = (secure: boolean, maxAge: number) =>
  ({ path: "/dashboard", httpOnly: true, sameSite: "Strict", secure, maxAge }) as const;

export async function signIn(c: Context<AppEnv>, clientId: string, secret: string) {
  const client = authenticateClient(c.env, clientId, secret);
  if (!client) return false;
  const ttl = tokenTtl(c.env);
  setCookie(c, COOKIE, await issueToken(client, ttl), cookieOptions(new URL(c.req.url).protocol === "https:", ttl));
  return true;
}

/** A person's sign-in (throttled per email and per address: 429 past the limits). */
export async function signInPerson(c: Context<AppEnv>, email: string, password: string) {
  const person = await checkPassword(c.var.db, email, password, clientAddress(c));
  if (!person) return false;
  await startPersonSession(c, person.id);
  return true;
}

/** A new session for a person who just proved who they are (a password, or accepting an invitation with one). */
export async function startPersonSession(c: Context<AppEnv>, personId: string) {
  const session = await createSession(c.var.db, personId);
  setCookie(c, PERSON_COOKIE, session.token, {
    path: "/dashboard",
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    maxAge: ABSOLUTE_SECONDS,
  });
}

/** Ends the session: a person's is revoked server-side (the cookie alone is worthless afterwards). */
export async function signOut(c: Context<AppEnv>) {
  const token = getCookie(c, PERSON_COOKIE);
  if (token) {
    const person = await personOfSession(c.var.db, token);
    if (person) await revokePersonSession(c.var.db, person.sessionId);
  }
  deleteCookie(c, PERSON_COOKIE, { path: "/dashboard", secure: true });
  deleteCookie(c, COOKIE, { path: "/dashboard" });
}

/** Pages behind sign-in: no (or an ended) session sends the visitor to the sign-in page. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const personToken = getCookie(c, PERSON_COOKIE);
  if (personToken) {
    const person = await personOfSession(c.var.db, personToken);
    if (!person) {
      deleteCookie(c, PERSON_COOKIE, { path: "/dashboard", secure: true });
      return c.redirect("/dashboard/sign-in?expired=1");
    }
    c.set("caller", { clientId: `person:${person.id}`, person });
    return next();
  }
  const token = getCookie(c, COOKIE);
  if (!token) return c.redirect("/dashboard/sign-in");
  try {
    c.set("caller", await verifyPlatformToken(c.env, token));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      deleteCookie(c, COOKIE, { path: "/dashboard" });
      return c.redirect("/dashboard/sign-in?expired=1");
    }
    throw err;
  }
  await next();
});

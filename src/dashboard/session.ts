import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { authenticateClient, issueToken, tokenTtl, verifyPlatformToken } from "../platform/auth";

/**
 * A person signs in with platform client credentials; the session is the same access token the API
 * issues, in an HttpOnly, SameSite=Strict cookie scoped to /dashboard (so it expires like a token does,
 * and rotating the client's secret signs everyone out).
 */
const COOKIE = "cp_session";

const cookieOptions = (secure: boolean, maxAge: number) =>
  ({ path: "/dashboard", httpOnly: true, sameSite: "Strict", secure, maxAge }) as const;

export async function signIn(c: Context<AppEnv>, clientId: string, secret: string) {
  const client = authenticateClient(c.env, clientId, secret);
  if (!client) return false;
  const ttl = tokenTtl(c.env);
  setCookie(c, COOKIE, await issueToken(client, ttl), cookieOptions(new URL(c.req.url).protocol === "https:", ttl));
  return true;
}

export function signOut(c: Context<AppEnv>) {
  deleteCookie(c, COOKIE, { path: "/dashboard" });
}

/** Pages behind sign-in: no (or an expired) session sends the person to the sign-in page. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, COOKIE);
  if (!token) return c.redirect("/dashboard/sign-in");
  try {
    c.set("caller", await verifyPlatformToken(c.env, token));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      signOut(c);
      return c.redirect("/dashboard/sign-in?expired=1");
    }
    throw err;
  }
  await next();
});

import type { Context } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import * as v from "valibot";
import { signOutBrowser } from "../../commands/sign-in";
import { storeOf } from "../../db/store-client";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { environmentKeyScope } from "../../middleware/command-scope";
import { browserCookieName, sessionForLogout } from "../../services/browser-sessions";
import { applicationByClientId } from "../../services/sign-in";
import { environmentOfSession } from "../../services/sign-in/session-locations";
import { type Look, MessagePage } from "../page";
import { DEFAULT_LOOK, lookOf, page, refused, secureCookies } from "./request";

/**
 * `GET /user_management/sessions/logout`: ends the session it names and this browser's own, then goes back to a
 * registered logout URI of the session's application, or shows that the user is signed out.
 */

const LogoutQuery = v.object({
  session_id: v.optional(v.pipe(v.string(), v.maxLength(100))),
  return_to: v.optional(v.pipe(v.string(), v.maxLength(2048))),
});

export const logoutRoutes = createRouter().get("/user_management/sessions/logout", async (c) => {
  const parsed = v.safeParse(LogoutQuery, c.req.query());
  const { session_id: sessionId, return_to: returnTo } = parsed.success ? parsed.output : {};
  // The session id names no environment: D1 says which object holds it (sessions of environments still in D1
  // are found in D1's data).
  const located = sessionId ? await environmentOfSession(c.var.db, sessionId) : undefined;
  const store = located ? storeOf(c.env, located, c.var.db) : c.var.db;
  const found = sessionId ? await sessionForLogout(c.var.db, store, sessionId) : undefined;
  if (!found) return signedOut(c, DEFAULT_LOOK);
  const client = await applicationByClientId(c.var.db, found.clientId);
  const look = client ? await lookOf(c, client) : DEFAULT_LOOK;
  if (client?.locked) {
    const locked = new ApiError("environment_locked");
    return refused(c, look, 403, "Sign-out is unavailable", `${locked.message} (environment_locked)`);
  }
  // This browser's own session in the environment ends too, whichever session it named.
  const secure = secureCookies(c);
  const name = browserCookieName(found.environment.id, secure);
  await signOutBrowser(environmentKeyScope(c, found.environment), { sessionId: found.id, browserToken: getCookie(c, name) });
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

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { storeOf } from "../../src/db/store-client";
import { deleteExpiredBrowserSessions } from "../../src/services/browser-sessions";
import { mintKey, newTeam, session, sql } from "./helpers";
import {
  authorizePath,
  browse,
  CHALLENGE,
  cookieOf,
  issuerOf,
  MOBILE_CALLBACK,
  ONE_CALLBACK,
  signInSetup,
  WEB_CALLBACK,
} from "./hosted-helpers";

/**
 * The hosted sign-in page's forms and the browser session: password sign-in and sign-up end in a code for the
 * application; the cookie signs the browser in to the environment's other applications (and no other
 * environment's); logout ends it and goes back only to a registered URI. Every form checks Origin.
 */

const PASSWORD = "correct horse battery";
const STATE = "s t&a=te/ü";

async function withUser() {
  const setup = await signInSetup();
  const user = await setup.api.post("/user_management/users", { email: "ada@acme.test", password: PASSWORD });
  expect(user.status).toBe(201);
  return { ...setup, user: user.body };
}

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
const webRequest = (clientId: string, extra: Record<string, string> = {}) =>
  query({ client_id: clientId, redirect_uri: WEB_CALLBACK, response_type: "code", state: STATE, ...extra });

const post = (view: string, q: string, form: Record<string, string>, opts: Parameters<typeof browse>[2] = {}) =>
  browse("POST", `/user_management/authorize/${view}?${q}`, { form, ...opts });

/**
 * The stored code a redirect carried (stored as its SHA-256): what it is bound to. Exchanging it is the token
 * endpoint's part (its own tests, and the openid-client end-to-end test in test/node/oidc-hosted.test.ts).
 */
async function codeRow(code: string) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code)));
  const hash = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  const [row] = await sql<Record<string, string | null>>(
    "SELECT environment_id, client_id, redirect_uri, code_challenge, nonce, scope, session_id, user_id, used_at FROM authorization_codes WHERE code_hash = ?",
    hash,
  );
  expect(row).toBeTruthy();
  return row;
}

function expectCodeBack(page: Awaited<ReturnType<typeof browse>>, redirectUri: string, clientId: string, status = 303) {
  expect({ status: page.status, error: page.location?.searchParams.get("error") ?? null }).toEqual({ status, error: null });
  const location = page.location as URL;
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  expect(location.searchParams.get("state")).toBe(STATE);
  expect(location.searchParams.get("iss")).toBe(issuerOf(clientId));
  const code = location.searchParams.get("code");
  expect(code).toBeTruthy();
  return code as string;
}

describe("hosted page: password sign-in", () => {
  it("a right password ends in a code for the application, and a browser session cookie (HttpOnly, SameSite=Lax, Secure, named for the environment)", async () => {
    const { web, staging, user } = await withUser();
    const page = await post(
      "sign-in",
      webRequest(web.client_id, {
        code_challenge: CHALLENGE,
        code_challenge_method: "S256",
        nonce: "n-0S6_WzA2Mj",
        scope: "openid email",
      }),
      {
        email: "Ada@Acme.test",
        password: PASSWORD,
      },
    );
    const code = expectCodeBack(page, WEB_CALLBACK, web.client_id);
    const setCookie = page.headers.get("Set-Cookie") as string;
    expect(setCookie).toMatch(new RegExp(`^__Host-authkit_${staging.id}=[A-Za-z0-9_-]{40,}; `));
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; Path=\//);
    // The cookie's token is stored only hashed.
    const token = cookieOf(page).split("=")[1];
    const rows = await sql<{ token_hash: string }>(
      "SELECT token_hash FROM browser_sessions WHERE environment_id = ?",
      staging.id,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toContain(token);
    // The code is bound to the application, its redirect URI, the challenge, the nonce and this user's new session.
    const row = await codeRow(code);
    expect(row).toMatchObject({
      environment_id: staging.id,
      client_id: web.client_id,
      redirect_uri: WEB_CALLBACK,
      code_challenge: CHALLENGE,
      nonce: "n-0S6_WzA2Mj",
      scope: "openid email",
      user_id: user.id,
      used_at: null,
    });
    const [sessionRow] = await sql<Record<string, string>>("SELECT * FROM user_sessions WHERE id = ?", row.session_id);
    expect(sessionRow).toMatchObject({
      environment_id: staging.id,
      user_id: user.id,
      client_id: web.client_id,
      auth_method: "password",
    });
  });

  it('an unknown email and a wrong password both answer "Incorrect email or password." and sign nothing in', async () => {
    const { web } = await withUser();
    const wrong = await post("sign-in", webRequest(web.client_id), { email: "ada@acme.test", password: "wrong password" });
    const unknown = await post("sign-in", webRequest(web.client_id), { email: "nobody@acme.test", password: PASSWORD });
    for (const page of [wrong, unknown]) {
      expect(page.status).toBe(400);
      expect(page.headers.get("Location")).toBeNull();
      expect(page.headers.get("Set-Cookie")).toBeNull();
      expect(page.text).toContain("Incorrect email or password.");
      expect(page.text).toMatch(/role="alert"/);
    }
    expect(wrong.text.replace("ada@acme.test", "")).toBe(unknown.text.replace("nobody@acme.test", ""));
  });

  it("throttles: after 5 failed passwords for an email, 429 with Retry-After even for the right password; another email is unaffected", async () => {
    const { web, api } = await withUser();
    expect((await api.post("/user_management/users", { email: "bob@acme.test", password: PASSWORD })).status).toBe(201);
    for (let i = 0; i < 5; i++)
      expect((await post("sign-in", webRequest(web.client_id), { email: "ada@acme.test", password: `nope ${i}` })).status).toBe(
        400,
      );
    const throttled = await post("sign-in", webRequest(web.client_id), { email: "ada@acme.test", password: PASSWORD });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(throttled.headers.get("Set-Cookie")).toBeNull();
    const other = await post("sign-in", webRequest(web.client_id), { email: "bob@acme.test", password: PASSWORD });
    expect(other.status).toBe(303);
  }, 30_000);

  it("refuses a form posted from another origin, or without Origin or Sec-Fetch-Site (403, nothing signed in)", async () => {
    const { web, staging } = await withUser();
    for (const opts of [
      { origin: "https://evil.test" },
      { origin: null },
      { origin: "null" },
      { origin: "https://evil.test", headers: { "Sec-Fetch-Site": "cross-site" } },
    ]) {
      const page = await post("sign-in", webRequest(web.client_id), { email: "ada@acme.test", password: PASSWORD }, opts);
      expect({ opts, status: page.status, cookie: page.headers.get("Set-Cookie") }).toEqual({ opts, status: 403, cookie: null });
      expect(page.headers.get("Location")).toBeNull();
    }
    expect(await sql("SELECT * FROM browser_sessions WHERE environment_id = ?", staging.id)).toEqual([]);
  });

  it("a form post re-checks the request: an unregistered redirect URI is refused there too", async () => {
    const { web } = await withUser();
    const page = await post(
      "sign-in",
      query({ client_id: web.client_id, redirect_uri: "https://evil.test/cb", response_type: "code", state: STATE }),
      { email: "ada@acme.test", password: PASSWORD },
    );
    expect(page.status).toBe(400);
    expect(page.headers.get("Location")).toBeNull();
    expect(page.headers.get("Set-Cookie")).toBeNull();
  });
});

describe("hosted page: sign-up", () => {
  it("creates the user (user.created) and ends in a code; an address already used is refused on the form", async () => {
    const { web, api } = await withUser();
    const page = await post("sign-up", webRequest(web.client_id, { screen_hint: "sign-up" }), {
      email: "grace@acme.test",
      password: PASSWORD,
    });
    const code = expectCodeBack(page, WEB_CALLBACK, web.client_id);
    const listed = await api.get("/user_management/users?email=grace@acme.test");
    expect(listed.body.data).toHaveLength(1);
    const events = await api.get("/events?events=user.created");
    expect(events.body.data.map((e: any) => e.data.email)).toContain("grace@acme.test");
    const row = await codeRow(code);
    expect(row.user_id).toBe(listed.body.data[0].id);
    expect(row.client_id).toBe(web.client_id);

    const taken = await post("sign-up", webRequest(web.client_id), { email: "ada@acme.test", password: PASSWORD });
    expect(taken.status).toBe(400);
    expect(taken.headers.get("Set-Cookie")).toBeNull();
    const short = await post("sign-up", webRequest(web.client_id), { email: "new@acme.test", password: "short" });
    expect(short.status).toBe(400);
    expect(short.text).toContain("at least 8 characters");
    expect((await api.get("/user_management/users?email=new@acme.test")).body.data).toHaveLength(0);
  });
});

describe("browser session: single sign-on across the environment's applications", () => {
  it("a second application's authorize answers a code at once; prompt=login shows the form; prompt=none answers a code", async () => {
    const { web, one, mobile, user, staging } = await withUser();
    const signedIn = await post("sign-in", webRequest(web.client_id), { email: "ada@acme.test", password: PASSWORD });
    expectCodeBack(signedIn, WEB_CALLBACK, web.client_id);
    const cookie = cookieOf(signedIn);

    const sso = await browse("GET", authorizePath({ client_id: one.client_id, response_type: "code", state: STATE }), { cookie });
    const code = expectCodeBack(sso, ONE_CALLBACK, one.client_id, 302);
    // The same user and the same session as the first sign-in, for the second application.
    const first = await codeRow(expectCodeBack(signedIn, WEB_CALLBACK, web.client_id));
    const row = await codeRow(code);
    expect(row).toMatchObject({
      client_id: one.client_id,
      redirect_uri: ONE_CALLBACK,
      user_id: user.id,
      session_id: first.session_id,
    });

    const native = await browse(
      "GET",
      authorizePath({
        client_id: mobile.client_id,
        redirect_uri: MOBILE_CALLBACK,
        response_type: "code",
        state: STATE,
        code_challenge: CHALLENGE,
        code_challenge_method: "S256",
        prompt: "none",
      }),
      { cookie },
    );
    const nativeCode = expectCodeBack(native, MOBILE_CALLBACK, mobile.client_id, 302);
    expect(await codeRow(nativeCode)).toMatchObject({ client_id: mobile.client_id, code_challenge: CHALLENGE });

    const again = await browse(
      "GET",
      authorizePath({ client_id: one.client_id, response_type: "code", state: STATE, prompt: "login" }),
      { cookie },
    );
    expect(again.status).toBe(200);
    expect(again.text).toContain('name="password"');
    // Signing in again replaces the browser session: the old one is gone, the new cookie works.
    const replaced = await post("sign-in", webRequest(web.client_id), { email: "ada@acme.test", password: PASSWORD }, { cookie });
    expectCodeBack(replaced, WEB_CALLBACK, web.client_id);
    expect(await sql("SELECT 1 FROM browser_sessions WHERE environment_id = ?", staging.id)).toHaveLength(1);
    const old = await browse(
      "GET",
      authorizePath({ client_id: one.client_id, response_type: "code", state: STATE, prompt: "none" }),
      { cookie },
    );
    expect(old.location?.searchParams.get("error")).toBe("login_required");
    const fresh = await browse(
      "GET",
      authorizePath({ client_id: one.client_id, response_type: "code", state: STATE, prompt: "none" }),
      {
        cookie: cookieOf(replaced),
      },
    );
    expectCodeBack(fresh, ONE_CALLBACK, one.client_id, 302);
  });

  it("a cookie is nothing in another environment, even under that environment's cookie name", async () => {
    const { web, staging } = await withUser();
    const signedIn = await post("sign-in", webRequest(web.client_id), { email: "ada@acme.test", password: PASSWORD });
    const token = cookieOf(signedIn).split("=")[1];
    // Another team's environment, with an application on the same redirect URI.
    const s = await session();
    const other = await newTeam(s, "Other");
    const otherEnv = other.environments[0];
    const app = (
      await s.post(`/teams/${other.team.id}/environments/${otherEnv.id}/applications`, {
        name: "W",
        type: "web",
        redirect_uris: [WEB_CALLBACK],
      })
    ).body;
    for (const name of [`__Host-authkit_${otherEnv.id}`, `__Host-authkit_${staging.id}`]) {
      const cookie = `${name}=${token}`;
      const none = await browse(
        "GET",
        authorizePath({ client_id: app.client_id, response_type: "code", state: STATE, prompt: "none" }),
        { cookie },
      );
      expect(none.location?.searchParams.get("error")).toBe("login_required");
      const shown = await browse("GET", authorizePath({ client_id: app.client_id, response_type: "code", state: STATE }), {
        cookie,
      });
      expect(shown.status).toBe(200);
    }
    await mintKey(s, other.team.id, otherEnv.id);
  });

  it("a cookie whose session was revoked signs nothing in", async () => {
    const { web, one, staging } = await withUser();
    const signedIn = await post("sign-in", webRequest(web.client_id), { email: "ada@acme.test", password: PASSWORD });
    const cookie = cookieOf(signedIn);
    const [{ session_id }] = await sql<{ session_id: string }>(
      "SELECT session_id FROM browser_sessions WHERE environment_id = ?",
      staging.id,
    );
    await sql("UPDATE user_sessions SET revoked_at = ? WHERE id = ?", new Date().toISOString(), session_id);
    const none = await browse(
      "GET",
      authorizePath({ client_id: one.client_id, response_type: "code", state: STATE, prompt: "none" }),
      { cookie },
    );
    expect(none.location?.searchParams.get("error")).toBe("login_required");
  });
  it("an expired browser session signs nothing in; the cron deletes expired ones, not live ones", async () => {
    const { web, one, staging } = await withUser();
    const first = await post("sign-in", webRequest(web.client_id), { email: "ada@acme.test", password: PASSWORD });
    const second = await post("sign-in", webRequest(web.client_id), { email: "ada@acme.test", password: PASSWORD });
    const rows = await sql<{ token_hash: string }>(
      "SELECT token_hash FROM browser_sessions WHERE environment_id = ? ORDER BY created_at",
      staging.id,
    );
    expect(rows).toHaveLength(2);
    const past = new Date(Date.now() - 1000).toISOString();
    await sql("UPDATE browser_sessions SET expires_at = ? WHERE token_hash = ?", past, rows[0].token_hash);
    await deleteExpiredBrowserSessions(storeOf(env, { id: staging.id, dataLocation: "object" }, openDatabase(env)));
    expect(
      (await sql<{ token_hash: string }>("SELECT token_hash FROM browser_sessions WHERE environment_id = ?", staging.id)).map(
        (r) => r.token_hash,
      ),
    ).toEqual([rows[1].token_hash]);
    const sso = (cookie: string) =>
      browse("GET", authorizePath({ client_id: one.client_id, response_type: "code", state: STATE, prompt: "none" }), { cookie });
    expect((await sso(cookieOf(first))).location?.searchParams.get("error")).toBe("login_required");
    expectCodeBack(await sso(cookieOf(second)), ONE_CALLBACK, one.client_id, 302);
    // Expired but not yet deleted: refused all the same.
    await sql("UPDATE browser_sessions SET expires_at = ? WHERE token_hash = ?", past, rows[1].token_hash);
    expect((await sso(cookieOf(second))).location?.searchParams.get("error")).toBe("login_required");
  });
});

describe("logout", () => {
  async function signedIn() {
    const setup = await withUser();
    const page = await post("sign-in", webRequest(setup.web.client_id), { email: "ada@acme.test", password: PASSWORD });
    const [{ session_id }] = await sql<{ session_id: string }>(
      "SELECT session_id FROM browser_sessions WHERE environment_id = ?",
      setup.staging.id,
    );
    const allowed = "https://app.acme.test/signed-out";
    const patched = await setup.s.patch(`${setup.apps}/${setup.web.id}`, { logout_redirect_uris: [allowed] });
    expect(patched.status).toBe(200);
    return { ...setup, cookie: cookieOf(page), sessionId: session_id, allowed };
  }
  const logout = (params: Record<string, string>, cookie?: string) =>
    browse("GET", `/user_management/sessions/logout?${query(params)}`, { cookie });

  it("revokes the session, clears the browser session and goes back to a registered return_to", async () => {
    const { one, cookie, sessionId, allowed, api, user, staging } = await signedIn();
    const out = await logout({ session_id: sessionId, return_to: allowed }, cookie);
    expect(out.status).toBe(302);
    expect(out.headers.get("Location")).toBe(allowed);
    expect(out.headers.get("Set-Cookie")).toMatch(new RegExp(`^__Host-authkit_${staging.id}=;.*Max-Age=0`));
    expect(await sql("SELECT * FROM browser_sessions WHERE environment_id = ?", staging.id)).toEqual([]);
    const [revoked] = await sql<{ revoked_at: string | null; user_id: string }>(
      "SELECT revoked_at, user_id FROM user_sessions WHERE id = ?",
      sessionId,
    );
    expect(revoked.user_id).toBe(user.id);
    expect(revoked.revoked_at).not.toBeNull();
    const events = await api.get("/events?events=session.revoked");
    expect(events.body.data.map((e: any) => e.data.id)).toContain(sessionId);
    // The old cookie signs nothing in any more.
    const none = await browse(
      "GET",
      authorizePath({ client_id: one.client_id, response_type: "code", state: STATE, prompt: "none" }),
      { cookie },
    );
    expect(none.location?.searchParams.get("error")).toBe("login_required");
  });

  it("never redirects anywhere else: an unregistered, near or relative return_to shows the signed-out page", async () => {
    const { cookie, sessionId, allowed } = await signedIn();
    for (const return_to of [
      `${allowed}/`,
      `${allowed}?x=1`,
      "https://evil.test/",
      "//evil.test",
      "/dashboard",
      WEB_CALLBACK,
      "javascript:alert(1)",
    ]) {
      const out = await logout({ session_id: sessionId, return_to }, cookie);
      expect({ return_to, status: out.status, location: out.headers.get("Location") }).toEqual({
        return_to,
        status: 200,
        location: null,
      });
      expect(out.text).toContain("signed out");
    }
    // Without a session (unknown, or none given) the page still answers, and still redirects nowhere unregistered.
    const unknown = await logout({ session_id: "session_01ABCDEFGHJKMNPQRSTVWXYZ00", return_to: allowed });
    expect(unknown.status).toBe(200);
    expect(unknown.headers.get("Location")).toBeNull();
    expect((await logout({})).status).toBe(200);
  });

  it("a return_to registered for another application (of this environment or another) is not honoured", async () => {
    const a = await signedIn();
    const sameEnv = "https://one.acme.test/out";
    expect((await a.s.patch(`${a.apps}/${a.one.id}`, { logout_redirect_uris: [sameEnv] })).status).toBe(200);
    const s = await session();
    const other = await newTeam(s, "Other");
    const otherApps = `/teams/${other.team.id}/environments/${other.environments[0].id}/applications`;
    const elsewhere = "https://other.test/out";
    const created = await s.post(otherApps, {
      name: "W",
      type: "web",
      redirect_uris: [WEB_CALLBACK],
      logout_redirect_uris: [elsewhere],
    });
    expect(created.status).toBe(201);
    for (const return_to of [sameEnv, elsewhere]) {
      const out = await logout({ session_id: a.sessionId, return_to }, a.cookie);
      expect({ return_to, status: out.status, location: out.headers.get("Location") }).toEqual({
        return_to,
        status: 200,
        location: null,
      });
    }
  });
});

describe("locked environment", () => {
  it("a form post to a locked production environment's application is refused 403", async () => {
    const { s, team, production } = await withUser();
    const app = (
      await s.post(`/teams/${team.id}/environments/${production.id}/applications`, {
        name: "P",
        type: "web",
        redirect_uris: [WEB_CALLBACK],
      })
    ).body;
    const page = await post("sign-in", webRequest(app.client_id), { email: "ada@acme.test", password: PASSWORD });
    expect(page.status).toBe(403);
    expect(page.headers.get("Location")).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import {
  authorizePath,
  browse,
  CHALLENGE,
  count,
  issuerOf,
  MOBILE_CALLBACK,
  ONE_CALLBACK,
  signInSetup,
  WEB_CALLBACK,
  WEB_OTHER,
} from "./hosted-helpers";

/**
 * `GET /user_management/authorize`: the client and its redirect URI decide whether an error may go back at all
 * (never to an unregistered URI: a page, no Location); every other error goes back with `error`, the `state`
 * verbatim and `iss` (RFC 6749 §4.1.2.1, RFC 9700 §4.1, RFC 9207).
 */

const STATE = "st/ä &x=1+2%3D?#";

function expectRefusedHere(page: Awaited<ReturnType<typeof browse>>, status = 400) {
  expect(page.status).toBe(status);
  expect(page.headers.get("Location")).toBeNull();
  expect(page.headers.get("Content-Type")).toContain("text/html");
}

function expectErrorBack(page: Awaited<ReturnType<typeof browse>>, redirectUri: string, clientId: string, error: string) {
  expect(page.status).toBe(302);
  const location = page.location as URL;
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  expect(location.searchParams.get("error")).toBe(error);
  expect(location.searchParams.get("state")).toBe(STATE);
  expect(location.searchParams.get("iss")).toBe(issuerOf(clientId));
  expect(location.searchParams.get("code")).toBeNull();
}

describe("authorize: the client and its redirect URI", () => {
  it("an unknown, missing or repeated client_id is refused on a page, never redirected", async () => {
    const { web } = await signInSetup();
    for (const path of [
      authorizePath({ client_id: "client_01ABCDEFGHJKMNPQRSTVWXYZ00", redirect_uri: WEB_CALLBACK, response_type: "code" }),
      authorizePath({ redirect_uri: WEB_CALLBACK, response_type: "code", state: STATE }),
      `${authorizePath({ client_id: web.client_id, redirect_uri: WEB_CALLBACK, response_type: "code" })}&client_id=${web.client_id}`,
    ]) {
      const page = await browse("GET", path);
      expectRefusedHere(page);
      expect(page.text).toContain("<h1");
    }
  });

  it("a redirect_uri that is not an exact string match of a registered one is refused on a page, never redirected", async () => {
    const { web, one, mobile } = await signInSetup();
    const near = [
      `${WEB_CALLBACK}/`,
      "https://APP.acme.test/callback",
      `${WEB_CALLBACK}?next=/x`,
      "http://app.acme.test/callback",
      "https://app.acme.test/call",
      "https://app.acme.test:443/callback",
      "https://app.acme.test/callback#frag",
      "https://app.acme.test/%63allback",
      "https://evil.test/callback",
      ONE_CALLBACK, // another application's URI
    ];
    for (const redirect_uri of near) {
      const page = await browse(
        "GET",
        authorizePath({ client_id: web.client_id, redirect_uri, response_type: "code", state: STATE }),
      );
      expect({ redirect_uri, status: page.status, location: page.headers.get("Location") }).toEqual({
        redirect_uri,
        status: 400,
        location: null,
      });
    }
    // A loopback URI of a native app with another port is another URI too (registered with its port).
    const port = await browse(
      "GET",
      authorizePath({
        client_id: mobile.client_id,
        redirect_uri: "http://127.0.0.1:9999/callback",
        response_type: "code",
        code_challenge: CHALLENGE,
        code_challenge_method: "S256",
      }),
    );
    expectRefusedHere(port);
    // Even when every other parameter is wrong, the refusal comes first and goes nowhere.
    const both = await browse(
      "GET",
      authorizePath({ client_id: one.client_id, redirect_uri: WEB_CALLBACK, response_type: "token" }),
    );
    expectRefusedHere(both);
    // The registered URI itself passes.
    const ok = await browse("GET", authorizePath({ client_id: web.client_id, redirect_uri: WEB_OTHER, response_type: "code" }));
    expect(ok.status).toBe(200);
  });

  it("an omitted redirect_uri is the application's only one; refused when it has several or none", async () => {
    const { web, one, staging } = await signInSetup();
    const single = await browse("GET", authorizePath({ client_id: one.client_id, response_type: "code", state: STATE }));
    expect(single.status).toBe(200);
    const bad = await browse("GET", authorizePath({ client_id: one.client_id, response_type: "token", state: STATE }));
    expectErrorBack(bad, ONE_CALLBACK, one.client_id, "unsupported_response_type");
    expectRefusedHere(await browse("GET", authorizePath({ client_id: web.client_id, response_type: "code", state: STATE })));
    // The default application starts without redirect URIs.
    expectRefusedHere(await browse("GET", authorizePath({ client_id: staging.client_id, response_type: "code" })));
    // A repeated redirect_uri is refused even when both are registered.
    expectRefusedHere(
      await browse(
        "GET",
        `${authorizePath({ client_id: web.client_id, redirect_uri: WEB_CALLBACK, response_type: "code" })}&redirect_uri=${encodeURIComponent(WEB_OTHER)}`,
      ),
    );
  });

  it("a locked production environment answers a 403 page and redirects nowhere", async () => {
    const { s, team, production } = await signInSetup();
    const created = await s.post(`/teams/${team.id}/environments/${production.id}/applications`, {
      name: "Prod web",
      type: "web",
      redirect_uris: [WEB_CALLBACK],
    });
    expect(created.status).toBe(201);
    for (const params of [
      { client_id: created.body.client_id, redirect_uri: WEB_CALLBACK, response_type: "code", state: STATE },
      { client_id: created.body.client_id, redirect_uri: WEB_CALLBACK, response_type: "token", state: STATE },
      { client_id: production.client_id, response_type: "code" },
    ]) {
      const page = await browse("GET", authorizePath(params));
      expectRefusedHere(page, 403);
      expect(page.text).toContain("locked");
    }
  });
});

describe("authorize: errors go back to the client with state and iss", () => {
  it("answers invalid_request or unsupported_response_type for each malformed or unsupported request", async () => {
    const { web } = await signInSetup();
    const base = { client_id: web.client_id, redirect_uri: WEB_CALLBACK, state: STATE };
    const cases: [Record<string, string>, string][] = [
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ response_type: "code id_token" }, "unsupported_response_type"],
      [{}, "invalid_request"],
      [{ response_type: "code", code_challenge: CHALLENGE, code_challenge_method: "plain" }, "invalid_request"],
      [{ response_type: "code", code_challenge: CHALLENGE }, "invalid_request"],
      [{ response_type: "code", code_challenge_method: "S256" }, "invalid_request"],
      [{ response_type: "code", code_challenge: "short", code_challenge_method: "S256" }, "invalid_request"],
      [{ response_type: "code", provider: "GoogleOAuth" }, "invalid_request"],
      [{ response_type: "code", connection_id: "conn_01ABCDEFGHJKMNPQRSTVWXYZ00" }, "invalid_request"],
      [{ response_type: "code", organization_id: "org_01ABCDEFGHJKMNPQRSTVWXYZ00" }, "invalid_request"],
      [{ response_type: "code", screen_hint: "register" }, "invalid_request"],
      [{ response_type: "code", prompt: "consent" }, "invalid_request"],
    ];
    for (const [params, error] of cases) {
      const page = await browse("GET", authorizePath({ ...base, ...params }));
      expect({ params, status: page.status, error: page.location?.searchParams.get("error") }).toEqual({
        params,
        status: 302,
        error,
      });
      expectErrorBack(page, WEB_CALLBACK, web.client_id, error);
      expect(page.location?.searchParams.get("error_description")).toBeTruthy();
    }
    // A repeated parameter is refused (RFC 6749 §3.1).
    const twice = await browse("GET", `${authorizePath({ ...base, response_type: "code" })}&scope=openid&scope=email`);
    expectErrorBack(twice, WEB_CALLBACK, web.client_id, "invalid_request");
  });

  it("mobile and desktop applications must send an S256 challenge; web applications may omit PKCE", async () => {
    const { mobile, web } = await signInSetup();
    const none = await browse(
      "GET",
      authorizePath({ client_id: mobile.client_id, redirect_uri: MOBILE_CALLBACK, response_type: "code", state: STATE }),
    );
    expectErrorBack(none, MOBILE_CALLBACK, mobile.client_id, "invalid_request");
    expect(none.location?.searchParams.get("error_description")).toContain("PKCE");
    const pkce = await browse(
      "GET",
      authorizePath({
        client_id: mobile.client_id,
        redirect_uri: MOBILE_CALLBACK,
        response_type: "code",
        state: STATE,
        code_challenge: CHALLENGE,
        code_challenge_method: "S256",
      }),
    );
    expect(pkce.status).toBe(200);
    const webNone = await browse(
      "GET",
      authorizePath({ client_id: web.client_id, redirect_uri: WEB_CALLBACK, response_type: "code" }),
    );
    expect(webNone.status).toBe(200);
  });

  it("prompt=none without a browser session answers login_required; a request without state gets none back", async () => {
    const { web } = await signInSetup();
    const page = await browse(
      "GET",
      authorizePath({
        client_id: web.client_id,
        redirect_uri: WEB_CALLBACK,
        response_type: "code",
        state: STATE,
        prompt: "none",
      }),
    );
    expectErrorBack(page, WEB_CALLBACK, web.client_id, "login_required");
    const stateless = await browse(
      "GET",
      authorizePath({ client_id: web.client_id, redirect_uri: WEB_CALLBACK, response_type: "code", prompt: "none" }),
    );
    expect(stateless.location?.searchParams.has("state")).toBe(false);
    expect(stateless.location?.searchParams.get("iss")).toBe(issuerOf(web.client_id));
  });

  it("a redirect URI with its own query keeps it", async () => {
    const { s, team, staging } = await signInSetup();
    const withQuery = "https://app.acme.test/cb?tenant=7";
    const app = (
      await s.post(`/teams/${team.id}/environments/${staging.id}/applications`, {
        name: "Q",
        type: "web",
        redirect_uris: [withQuery],
      })
    ).body;
    const page = await browse(
      "GET",
      authorizePath({ client_id: app.client_id, redirect_uri: withQuery, response_type: "token", state: STATE }),
    );
    expect(page.location?.searchParams.get("tenant")).toBe("7");
    expect(page.location?.searchParams.get("error")).toBe("unsupported_response_type");
  });
});

describe("authorize: the hosted page", () => {
  it("shows the sign-in form (email, password, one submit) or, with screen_hint=sign-up, the sign-up form; never cached or framed", async () => {
    const { web } = await signInSetup();
    const base = {
      client_id: web.client_id,
      redirect_uri: WEB_CALLBACK,
      response_type: "code",
      state: STATE,
      login_hint: "ada@acme.test",
    };
    for (const screen_hint of [undefined, "sign-in", "sign-up"]) {
      const page = await browse("GET", authorizePath({ ...base, screen_hint }));
      expect(page.status).toBe(200);
      expect(page.headers.get("Content-Type")).toContain("text/html");
      expect(count(page.text, /<form /)).toBe(1);
      expect(count(page.text, /<input[^>]*name="email"/)).toBe(1);
      expect(count(page.text, /<input[^>]*name="password"/)).toBe(1);
      expect(count(page.text, /<button[^>]*type="submit"/)).toBe(1);
      expect(page.text).toMatch(screen_hint === "sign-up" ? /Create your/ : /Sign in to/);
      expect(page.text).toContain('value="ada@acme.test"');
      expect(page.headers.get("Cache-Control")).toContain("no-store");
      expect(page.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
      expect(page.headers.get("X-Frame-Options")).toBe("DENY");
      // Nothing fetched from elsewhere: no script, no external stylesheet or font.
      expect(page.text).not.toMatch(/<script|<link[^>]*stylesheet|@import|url\(/);
    }
  });

  it("renders the environment's branding: name, logo, colours, theme", async () => {
    const { s, team, staging, web } = await signInSetup();
    const put = await s.put(`/teams/${team.id}/environments/${staging.id}/branding`, {
      display_name: "Acme <Cloud>",
      logo_url: "https://cdn.acme.test/logo.png",
      primary_color: "#112233",
      theme: "dark",
    });
    expect(put.status).toBe(200);
    const page = await browse(
      "GET",
      authorizePath({ client_id: web.client_id, redirect_uri: WEB_CALLBACK, response_type: "code" }),
    );
    expect(page.text).toContain("Sign in to Acme &lt;Cloud&gt;");
    expect(page.text).toContain('src="https://cdn.acme.test/logo.png"');
    expect(page.text).toContain('alt="Acme &lt;Cloud&gt;"');
    expect(page.text).toContain("--primary:#112233");
    expect(page.text).toContain("--on-primary:#FFFFFF");
    expect(page.text).toContain("color-scheme:dark");
  });
});

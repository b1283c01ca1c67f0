/**
 * A standard OpenID Connect client (openid-client 6) against the real Worker, with the hosted page in a real
 * browser (Debian's Chromium driven by playwright-core): discovery → an authorization URL with PKCE, state and
 * nonce → the hosted page → the code exchanged and the ID token validated by the library → userinfo → refresh,
 * and the code's replay refused. For a web application with client_secret_basic and client_secret_post (the
 * second one signed in at once by the browser session: single sign-on) and a mobile one with none (PKCE only).
 * Then every hosted page at 390 px: no horizontal scrolling, no axe-core violation.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import AxeBuilder from "@axe-core/playwright";
import * as client from "openid-client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, useWorker } from "./harness";

const worker = useWorker();
let browser: Browser;

const PASSWORD = "correct horse battery";
/** The applications' callbacks: a local server that records what the browser brings back (no network). */
let callbackServer: Server;
const callbacks: string[] = [];
let WEB_CALLBACK: string;
let WEB_POST_CALLBACK: string;
let MOBILE_CALLBACK: string;

let env: {
  teamId: string;
  environmentId: string;
  key: string;
  user: { id: string; email: string };
  web: { client_id: string };
  webPost: { client_id: string };
  mobile: { client_id: string };
};

beforeAll(async () => {
  callbackServer = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    // (The browser also asks this origin for /favicon.ico.)
    if (url.pathname.endsWith("/callback")) callbacks.push(url.href);
    res.writeHead(200, { "Content-Type": "text/plain" }).end("callback");
  });
  await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}`;
  WEB_CALLBACK = `${base}/web/callback`;
  WEB_POST_CALLBACK = `${base}/post/callback`;
  MOBILE_CALLBACK = `${base}/mobile/callback`;
  browser = await launchChromium();
  const { team, staging } = await worker.newTeam("OIDC");
  const key = await worker.mintKey(team.id, staging.id);
  const app = async (body: Record<string, unknown>) => {
    const r = await worker.platform("POST", `/teams/${team.id}/environments/${staging.id}/applications`, body);
    expect(r.status).toBe(201);
    return r.body;
  };
  const user = await worker.request("POST", "/user_management/users", {
    token: key,
    body: { email: "ada@acme.test", password: PASSWORD, first_name: "Ada", last_name: "Lovelace", email_verified: true },
  });
  expect(user.status).toBe(201);
  env = {
    teamId: team.id,
    environmentId: staging.id,
    key,
    user: user.body,
    web: await app({ name: "Web", type: "web", redirect_uris: [WEB_CALLBACK] }),
    webPost: await app({ name: "Web post", type: "web", redirect_uris: [WEB_POST_CALLBACK] }),
    mobile: await app({ name: "Mobile", type: "mobile", redirect_uris: [MOBILE_CALLBACK] }),
  };
});
afterAll(async () => {
  await browser?.close();
  callbackServer?.close();
});

const issuerOf = (clientId: string) => new URL(`/user_management/${clientId}`, worker.url);

async function configFor(clientId: string, auth: client.ClientAuth) {
  const config = await client.discovery(issuerOf(clientId), clientId, undefined, auth, {
    execute: [client.allowInsecureRequests],
  });
  expect(config.serverMetadata().issuer).toBe(issuerOf(clientId).href.replace(/\/$/, ""));
  return config;
}

/** Runs one authorization: the URL, the browser (signing in when the page asks), the callback URL. */
async function authorize(config: client.Configuration, page: Page, redirectUri: string) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid profile email offline_access",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  const before = callbacks.length;
  await page.goto(url.href);
  const formShown = callbacks.length === before;
  if (formShown) {
    await page.fill("input[name=email]", env.user.email);
    await page.fill("input[name=password]", PASSWORD);
    await Promise.all([page.waitForURL((u) => u.href.startsWith(redirectUri)), page.click("button[type=submit]")]);
  }
  expect(callbacks.length).toBe(before + 1);
  return { callback: new URL(callbacks[callbacks.length - 1]), verifier, state, nonce, formShown };
}

async function fullFlow(
  config: client.Configuration,
  page: Page,
  redirectUri: string,
  clientAuth: (body: URLSearchParams, headers: Headers) => void,
) {
  const { callback, verifier, state, nonce, formShown } = await authorize(config, page, redirectUri);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  expect(claims).toMatchObject({
    sub: env.user.id,
    aud: config.clientMetadata().client_id,
    nonce,
    email: env.user.email,
    email_verified: true,
    given_name: "Ada",
    family_name: "Lovelace",
  });
  expect(tokens.token_type.toLowerCase()).toBe("bearer");
  const info = await client.fetchUserInfo(config, tokens.access_token, env.user.id);
  expect(info).toMatchObject({ sub: env.user.id, email: env.user.email });
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
  expect(refreshed.access_token).not.toBe(tokens.access_token);
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  const replay = async () => {
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      code: callback.searchParams.get("code") as string,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded" });
    clientAuth(body, headers);
    const answer = await fetch(config.serverMetadata().token_endpoint as string, { method: "POST", body, headers });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toBe("invalid_grant");
    // The replay revoked the session the code started: its refresh token is refused too.
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token as string)).rejects.toMatchObject({
      error: "invalid_grant",
    });
  };
  return { callback, claims, formShown, replay };
}

describe("openid-client end to end through the hosted page", () => {
  it("a web application with client_secret_basic, then another with client_secret_post signed in at once (SSO)", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const basic = await configFor(env.web.client_id, client.ClientSecretBasic(env.key));
    const first = await fullFlow(basic, page, WEB_CALLBACK, (_b, h) =>
      h.set("Authorization", `Basic ${btoa(`${encodeURIComponent(env.web.client_id)}:${encodeURIComponent(env.key)}`)}`),
    );
    expect(first.callback.searchParams.get("iss")).toBe(issuerOf(env.web.client_id).href);
    // The browser session cookie: HttpOnly, SameSite=Lax, one per environment (plain http locally: not Secure).
    const cookies = await context.cookies(worker.url.href);
    expect(cookies.filter((c) => c.name.startsWith("authkit_"))).toMatchObject([{ httpOnly: true, sameSite: "Lax" }]);

    // The second application: the browser session signs the browser in at once, no form in between.
    const post = await configFor(env.webPost.client_id, client.ClientSecretPost(env.key));
    const second = await fullFlow(post, page, WEB_POST_CALLBACK, (b) => {
      b.set("client_id", env.webPost.client_id);
      b.set("client_secret", env.key);
    });
    expect(first.formShown).toBe(true);
    expect(second.formShown).toBe(false);
    expect(second.claims?.sub).toBe(first.claims?.sub);
    // Each code is single use: an exchange again is invalid_grant, and ends what it gave.
    await first.replay();
    await second.replay();
    await context.close();
  });

  it("a mobile application with no client secret (PKCE only)", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const config = await configFor(env.mobile.client_id, client.None());
    const flow = await fullFlow(config, page, MOBILE_CALLBACK, (b) => b.set("client_id", env.mobile.client_id));
    expect(flow.formShown).toBe(true);
    await flow.replay();
    await context.close();
  });

  it("every hosted page: no horizontal scrolling at 390 px and no axe-core violation", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors: string[] = [];
    // A refused page answers 400 by design; the browser logs that status as an error, nothing else may be one.
    page.on(
      "console",
      (m) => m.type() === "error" && !/status of 400/.test(m.text()) && errors.push(`${page.url()}: ${m.text()}`),
    );
    const base = new URLSearchParams({
      client_id: env.web.client_id,
      redirect_uri: WEB_CALLBACK,
      response_type: "code",
      state: "x",
    });
    const at = (path: string, extra: Record<string, string> = {}) =>
      new URL(`${path}?${new URLSearchParams({ ...Object.fromEntries(base), ...extra })}`, worker.url).href;
    const pages: [string, () => Promise<unknown>][] = [
      ["sign in", () => page.goto(at("/user_management/authorize"))],
      ["sign up", () => page.goto(at("/user_management/authorize", { screen_hint: "sign-up" }))],
      [
        "sign in, refused",
        async () => {
          await page.goto(at("/user_management/authorize"));
          await page.fill("input[name=email]", "nobody@acme.test");
          await page.fill("input[name=password]", "wrong password");
          await Promise.all([page.waitForLoadState(), page.click("button[type=submit]")]);
          expect(await page.textContent("[role=alert]")).toContain("Incorrect email or password.");
        },
      ],
      ["forgot password", () => page.goto(at("/user_management/authorize/forgot-password"))],
      [
        "forgot password, sent",
        async () => {
          await page.fill("input[name=email]", env.user.email);
          await Promise.all([page.waitForLoadState(), page.click("button[type=submit]")]);
          expect(await page.textContent("[role=status]")).toContain("on its way");
        },
      ],
      [
        "reset password",
        () => page.goto(at("/user_management/authorize/reset-password", { password_reset_token: "x".repeat(43) })),
      ],
      [
        "verify email",
        async () => {
          const r = await worker.platform("PATCH", `/teams/${env.teamId}/environments/${env.environmentId}`, {
            require_email_verification: true,
          });
          expect(r.status).toBe(200);
          const eve = await worker.request("POST", "/user_management/users", {
            token: env.key,
            body: { email: "eve@acme.test", password: PASSWORD },
          });
          expect(eve.status).toBe(201);
          await page.goto(at("/user_management/authorize"));
          await page.fill("input[name=email]", "eve@acme.test");
          await page.fill("input[name=password]", PASSWORD);
          await Promise.all([page.waitForLoadState(), page.click("button[type=submit]")]);
          expect(await page.locator("input[name=code]").count()).toBe(1);
        },
      ],
      ["unknown application", () => page.goto(new URL("/user_management/authorize?client_id=nope", worker.url).href)],
      ["signed out", () => page.goto(new URL("/user_management/sessions/logout", worker.url).href)],
    ];
    for (const [name, open] of pages) {
      await open();
      const width = await page.evaluate<number>("document.documentElement.scrollWidth");
      expect(width, `${name} is ${width}px wide`).toBeLessThanOrEqual(390);
      const axe = await new AxeBuilder({ page }).analyze();
      expect(
        axe.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
        name,
      ).toEqual([]);
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});

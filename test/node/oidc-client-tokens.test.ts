import { createHash, randomBytes } from "node:crypto";
import * as client from "openid-client";
import { beforeAll, describe, expect, it } from "vitest";
import { useWorker } from "./harness";

/**
 * A standard OpenID Connect client (openid-client 6) against an application's issuer: discovery, the code
 * exchange with ID token validation (issuer, audience, nonce, the RFC 9207 `iss` of the callback), userinfo,
 * refresh, replay refused. The authorization step itself (the hosted page) is another part's: the code is issued
 * the way the hosted page issues it, straight into D1, bound to a session of a password sign-in.
 */
const worker = useWorker();
const PASSWORD = "correct horse battery staple";
const REDIRECT = "http://localhost:3000/callback";

let key: string;
let environmentId: string;
let webClientId: string;
let mobileClientId: string;
let userId: string;

beforeAll(async () => {
  const { team, staging } = await worker.newTeam();
  environmentId = staging.id;
  key = await worker.mintKey(team.id, staging.id);
  const base = `/teams/${team.id}/environments/${staging.id}/applications`;
  const web = await worker.platform("POST", base, { name: "Web", type: "web", redirect_uris: [REDIRECT] });
  const mobile = await worker.platform("POST", base, {
    name: "Mobile",
    type: "mobile",
    redirect_uris: ["http://127.0.0.1:8000/cb"],
  });
  webClientId = web.body.client_id;
  mobileClientId = mobile.body.client_id;
  const user = await worker.request("POST", "/user_management/users", {
    token: key,
    body: { email: "ada@example.test", password: PASSWORD, first_name: "Ada", last_name: "Lovelace", email_verified: true },
  });
  userId = user.body.id;
});

/** Signs in (a session, as the hosted page starts one) and issues a code for it the way the hosted page does. */
async function codeFor(clientId: string, redirectUri: string, checks: { challenge?: string; nonce?: string; scope?: string }) {
  const signIn = await worker.request("POST", "/user_management/authenticate", {
    body: { client_id: clientId, grant_type: "password", email: "ada@example.test", password: PASSWORD },
  });
  expect(signIn.status).toBe(200);
  const sid = JSON.parse(Buffer.from(signIn.body.access_token.split(".")[1], "base64url").toString()).sid;
  const code = randomBytes(32).toString("base64url");
  const now = Date.now();
  await worker.sql(
    "INSERT INTO authorization_codes (environment_id, code_hash, client_id, redirect_uri, code_challenge, nonce, scope, session_id, user_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    environmentId,
    createHash("sha256").update(code).digest("hex"),
    clientId,
    redirectUri,
    checks.challenge ?? null,
    checks.nonce ?? null,
    checks.scope ?? null,
    sid,
    userId,
    new Date(now + 600_000).toISOString(),
    new Date(now).toISOString(),
  );
  return code;
}

async function configFor(clientId: string, auth: client.ClientAuth) {
  const issuer = new URL(`/user_management/${clientId}`, worker.url);
  const config = await client.discovery(issuer, clientId, undefined, auth, { execute: [client.allowInsecureRequests] });
  expect(config.serverMetadata().issuer).toBe(issuer.href);
  return config;
}

async function flow(clientId: string, redirectUri: string, auth: client.ClientAuth) {
  const config = await configFor(clientId, auth);
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const code = await codeFor(clientId, redirectUri, {
    challenge: await client.calculatePKCECodeChallenge(verifier),
    nonce,
    scope: "openid profile email offline_access",
  });
  const callback = new URL(redirectUri);
  callback.searchParams.set("code", code);
  callback.searchParams.set("state", state);
  callback.searchParams.set("iss", config.serverMetadata().issuer);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  });
  return { config, tokens, callback, verifier, state, nonce };
}

describe("openid-client: code + PKCE, ID token, userinfo, refresh", () => {
  for (const [name, auth] of [
    ["client_secret_basic", () => client.ClientSecretBasic(key)],
    ["client_secret_post", () => client.ClientSecretPost(key)],
  ] as const) {
    it(`a web application with ${name}`, async () => {
      const { config, tokens, callback, verifier, state, nonce } = await flow(webClientId, REDIRECT, auth());
      const claims = tokens.claims()!;
      expect(claims).toMatchObject({ sub: userId, aud: webClientId, nonce, email: "ada@example.test", email_verified: true });
      const info = await client.fetchUserInfo(config, tokens.access_token, userId);
      expect(info).toMatchObject({ sub: userId, name: "Ada Lovelace", given_name: "Ada", family_name: "Lovelace" });
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      // The same code again: refused (and the session revoked: the refreshed token stops too).
      await expect(
        client.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: verifier,
          expectedNonce: nonce,
          expectedState: state,
        }),
      ).rejects.toMatchObject({ error: "invalid_grant" });
      await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    });
  }

  it("a mobile application, a public client (none + PKCE)", async () => {
    const { config, tokens } = await flow(mobileClientId, "http://127.0.0.1:8000/cb", client.None());
    expect(tokens.claims()?.aud).toBe(mobileClientId);
    expect((await client.fetchUserInfo(config, tokens.access_token, userId)).sub).toBe(userId);
    expect((await client.refreshTokenGrant(config, tokens.refresh_token!)).access_token).toEqual(expect.any(String));
  });

  it("a nonce that does not match is caught by the client; a wrong secret is 401", async () => {
    const config = await configFor(webClientId, client.ClientSecretBasic(key));
    const verifier = client.randomPKCECodeVerifier();
    const code = await codeFor(webClientId, REDIRECT, {
      challenge: await client.calculatePKCECodeChallenge(verifier),
      nonce: "the-real-nonce",
      scope: "openid",
    });
    const callback = new URL(`${REDIRECT}?code=${code}&iss=${encodeURIComponent(config.serverMetadata().issuer)}`);
    await expect(
      client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: "another-nonce" }),
    ).rejects.toThrow();
    const wrong = await configFor(webClientId, client.ClientSecretBasic("sk_test_wrong"));
    // 401 with a Basic challenge: openid-client reports it as a WWW-Authenticate challenge.
    await expect(client.refreshTokenGrant(wrong, "whatever")).rejects.toMatchObject({ status: 401 });
  });
});

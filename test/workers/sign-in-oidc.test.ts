import { createLocalJWKSet, jwtVerify, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, expectError, sql } from "./helpers";
import {
  claimsOf,
  codeFor,
  createUser,
  expectInvalidGrant,
  headerOf,
  ORIGIN,
  passwordGrant,
  pkce,
  signInSetup,
  tokenRequest,
} from "./sign-in-helpers";

const EMAIL = "ada@example.test";
const REDIRECT = "http://localhost:3000/callback";

async function signedIn() {
  const setup = await signInSetup();
  const user = await createUser(setup.api, EMAIL);
  return { ...setup, user };
}

const jwksOf = async (clientId: string) => (await call("GET", `/sso/jwks/${clientId}`)).body;
const basic = (id: string, secret: string) => ({
  Authorization: `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`,
});

describe("signing keys and JWKS", () => {
  afterEach(() => vi.useRealTimers());

  it("GET /sso/jwks/:client_id: RS256 public keys, no key needed, cacheable; any application of the environment", async () => {
    const { s, team, staging, clientId } = await signedIn();
    const r = await call("GET", `/sso/jwks/${clientId}`);
    expect(r.status).toBe(200);
    expect(r.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(r.body.keys).toHaveLength(1);
    const [key] = r.body.keys;
    expect(Object.keys(key).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
    expect(key).toMatchObject({ kty: "RSA", use: "sig", alg: "RS256", e: "AQAB" });
    const app = await s.post(`/teams/${team.id}/environments/${staging.id}/applications`, { name: "Two", type: "web" });
    expect((await call("GET", `/sso/jwks/${app.body.client_id}`)).body).toEqual(r.body);
    expectError(await call("GET", "/sso/jwks/client_01ZZZZZZZZZZZZZZZZZZZZZZZZ"), 404, "not_found");
  });

  it("tokens verify against the JWKS; each environment has its own kid; another environment's JWKS does not verify them", async () => {
    const { clientId } = await signedIn();
    const other = await signInSetup("Other");
    await createUser(other.api, EMAIL);
    const mine = await passwordGrant(clientId, EMAIL);
    const theirs = await passwordGrant(other.clientId, EMAIL);
    const myJwks = await jwksOf(clientId);
    const theirJwks = await jwksOf(other.clientId);
    expect(myJwks.keys[0].kid).not.toBe(theirJwks.keys[0].kid);
    expect(headerOf(mine.body.access_token)).toMatchObject({ alg: "RS256", kid: myJwks.keys[0].kid });
    await jwtVerify(mine.body.access_token, createLocalJWKSet(myJwks), { issuer: `${ORIGIN}/user_management/${clientId}` });
    await expect(jwtVerify(mine.body.access_token, createLocalJWKSet(theirJwks))).rejects.toThrow();
    await expect(jwtVerify(theirs.body.access_token, createLocalJWKSet(myJwks))).rejects.toThrow();
  });

  it("the private key is encrypted at rest (AES-GCM), bound to its environment", async () => {
    const { clientId, staging } = await signedIn();
    await passwordGrant(clientId, EMAIL);
    const [row] = await sql<{ private_key: string; public_jwk: string }>(
      "SELECT * FROM signing_keys WHERE environment_id = ?",
      staging.id,
    );
    expect(row.private_key).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(row.private_key).not.toContain("MII");
    expect(JSON.parse(row.public_jwk)).not.toHaveProperty("d");
    // Copied into another environment, it does not decrypt: that environment cannot sign with it.
    const other = await signInSetup("Other");
    await createUser(other.api, EMAIL);
    await sql(
      "INSERT INTO signing_keys (id, environment_id, public_jwk, private_key, created_at) VALUES ('key_COPIED', ?, ?, ?, ?)",
      other.staging.id,
      row.public_jwk,
      row.private_key,
      new Date().toISOString(),
    );
    const r = await passwordGrant(other.clientId, EMAIL);
    expect(r.status).toBe(500);
  });

  it("rotation (Platform API): new kid signs; the previous key stays published for 5 minutes, then goes", async () => {
    const { s, team, staging, clientId } = await signedIn();
    const before = await passwordGrant(clientId, EMAIL);
    const oldKid = headerOf(before.body.access_token).kid;
    const keysPath = `/teams/${team.id}/environments/${staging.id}/signing_keys`;
    const listed = await s.get(keysPath);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ object: "signing_key", id: oldKid, status: "current", retired_at: null }),
    ]);
    vi.useFakeTimers({ toFake: ["Date"] });
    const rotated = await s.post(`${keysPath}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.data.map((k: any) => k.status)).toEqual(["current", "previous"]);
    const newKid = rotated.body.data[0].id;
    expect(newKid).not.toBe(oldKid);
    const after = await passwordGrant(clientId, EMAIL);
    expect(headerOf(after.body.access_token).kid).toBe(newKid);
    const jwks = await jwksOf(clientId);
    expect(jwks.keys.map((k: any) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    // The old token still verifies, and its refresh token still works.
    await jwtVerify(before.body.access_token, createLocalJWKSet(jwks));
    vi.setSystemTime(Date.now() + 5 * 60 * 1000 + 1000);
    expect((await jwksOf(clientId)).keys.map((k: any) => k.kid)).toEqual([newKid]);
    const refreshed = await call("POST", "/user_management/authenticate", {
      body: { client_id: clientId, grant_type: "refresh_token", refresh_token: before.body.refresh_token },
    });
    expect(refreshed.status).toBe(200);
    expect(headerOf(refreshed.body.access_token).kid).toBe(newKid);
  });

  it("the first key is created once, whatever the number of simultaneous first sign-ins", async () => {
    const { api, clientId, staging } = await signInSetup();
    const emails = Array.from({ length: 8 }, (_, i) => `user${i}@example.test`);
    for (const email of emails) await createUser(api, email);
    // Different users: the throttle holds a slot per attempt in progress, so one email's 8 at once would be refused.
    const answers = await Promise.all(emails.map((email) => passwordGrant(clientId, email)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(await sql("SELECT count(*) AS n FROM signing_keys WHERE environment_id = ?", staging.id)).toEqual([{ n: 1 }]);
    expect(new Set(answers.map((a) => headerOf(a.body.access_token).kid)).size).toBe(1);
  }, 30_000);

  it("a transfer moves the environment with its keys, sessions and refresh tokens: JWKS, issuer and refresh keep working", async () => {
    const { s, team, project, staging, clientId } = await signedIn();
    const before = await passwordGrant(clientId, EMAIL);
    const jwks = await jwksOf(clientId);
    const moved = await s.post(`/teams/${team.id}/projects`, {
      name: "Moved",
      transfer: { source_project_id: project.id, environment_ids: [staging.id], acknowledge: true },
    });
    expect(moved.status).toBe(201);
    expect(await jwksOf(clientId)).toEqual(jwks);
    const refreshed = await call("POST", "/user_management/authenticate", {
      body: { client_id: clientId, grant_type: "refresh_token", refresh_token: before.body.refresh_token },
    });
    expect(refreshed.status).toBe(200);
    const { payload } = await jwtVerify(refreshed.body.access_token, createLocalJWKSet(jwks), {
      issuer: `${ORIGIN}/user_management/${clientId}`,
    });
    expect(payload.sid).toBe(claimsOf(before.body.access_token).sid);
  });

  it("rotation needs environments:configure; another client's team is 404", async () => {
    const { team, staging } = await signedIn();
    const { session, OTHER_CLIENT } = await import("./helpers");
    const other = await session(OTHER_CLIENT);
    expectError(await other.post(`/teams/${team.id}/environments/${staging.id}/signing_keys/rotate`), 404, "team_not_found");
  });

  it("a forged token (same kid, another key) is refused by userinfo", async () => {
    const { clientId } = await signedIn();
    const real = await passwordGrant(clientId, EMAIL);
    const { privateKey } = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const forged = await new SignJWT(claimsOf(real.body.access_token))
      .setProtectedHeader({ alg: "RS256", kid: headerOf(real.body.access_token).kid })
      .sign(privateKey);
    expectError(await call("GET", `/user_management/${clientId}/oauth2/userinfo`, { token: forged }), 401, "unauthorized");
  });
});

describe("discovery", () => {
  it("GET {issuer}/.well-known/openid-configuration: exactly the issue's metadata, issuer = the URL it was fetched under", async () => {
    const { clientId } = await signedIn();
    const issuer = `${ORIGIN}/user_management/${clientId}`;
    const r = await call("GET", `/user_management/${clientId}/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      issuer,
      authorization_endpoint: `${ORIGIN}/user_management/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      userinfo_endpoint: `${issuer}/oauth2/userinfo`,
      jwks_uri: `${ORIGIN}/sso/jwks/${clientId}`,
      end_session_endpoint: `${ORIGIN}/user_management/sessions/logout`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      subject_types_supported: ["public"],
      authorization_response_iss_parameter_supported: true,
    });
    expectError(
      await call("GET", "/user_management/client_01ZZZZZZZZZZZZZZZZZZZZZZZZ/.well-known/openid-configuration"),
      404,
      "not_found",
    );
  });

  it("the application object carries its issuer and logout_redirect_uris (validated like redirect_uris)", async () => {
    const { s, team, staging, production, clientId } = await signedIn();
    const base = `/teams/${team.id}/environments/${staging.id}/applications`;
    const list = await s.get(base);
    expect(list.body.data[0]).toMatchObject({
      client_id: clientId,
      issuer: `${ORIGIN}/user_management/${clientId}`,
      logout_redirect_uris: [],
    });
    const app = await s.post(base, { name: "Web", type: "web", logout_redirect_uris: ["http://localhost:3000/bye"] });
    expect(app.status).toBe(201);
    expect(app.body.logout_redirect_uris).toEqual(["http://localhost:3000/bye"]);
    const patched = await s.patch(`${base}/${app.body.id}`, { logout_redirect_uris: ["https://example.com/bye"] });
    expect(patched.body.logout_redirect_uris).toEqual(["https://example.com/bye"]);
    const bad = await s.patch(`${base}/${app.body.id}`, { logout_redirect_uris: ["https://example.com/#frag"] });
    expectError(bad, 422, "validation_failed");
    expect(bad.body.errors[0].field).toBe("logout_redirect_uris.0");
    await s.put(`/teams/${team.id}/billing`, { billing_email: "b@acme.test", payment_method: "card_4242" });
    const prod = await s.post(`/teams/${team.id}/environments/${production.id}/applications`, {
      name: "Web",
      type: "web",
      logout_redirect_uris: ["http://localhost:3000/bye"],
    });
    expectError(prod, 422, "validation_failed");
  });
});

describe("token endpoint ({issuer}/oauth2/token, form-encoded)", () => {
  it("client_secret_basic: an API key of the environment; the answer is RFC 6749's, no-store", async () => {
    const { clientId, key } = await signedIn();
    const { code } = await codeFor(clientId, EMAIL, { scope: "openid", nonce: "n" });
    const r = await tokenRequest(
      clientId,
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT },
      basic(clientId, key),
    );
    expect(r.status).toBe(200);
    expect(r.headers.get("Cache-Control")).toBe("no-store");
    expect(r.body).toMatchObject({ token_type: "Bearer", expires_in: 300 });
    expect(typeof r.body.id_token).toBe("string");
    const refreshed = await tokenRequest(
      clientId,
      { grant_type: "refresh_token", refresh_token: r.body.refresh_token },
      basic(clientId, key),
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(r.body.refresh_token);
  });

  it("client_secret_post", async () => {
    const { clientId, key } = await signedIn();
    const { code } = await codeFor(clientId, EMAIL);
    const r = await tokenRequest(clientId, { grant_type: "authorization_code", code, client_id: clientId, client_secret: key });
    expect(r.status).toBe(200);
  });

  it("none + PKCE (a public client)", async () => {
    const { clientId } = await signedIn();
    const { verifier, challenge } = await pkce();
    const { code } = await codeFor(clientId, EMAIL, { challenge });
    const r = await tokenRequest(clientId, {
      grant_type: "authorization_code",
      code,
      client_id: clientId,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
    });
    expect(r.status).toBe(200);
  });

  it("client authentication failures: 401 invalid_client (Basic answers with a challenge); another environment's key is refused", async () => {
    const { clientId } = await signedIn();
    const other = await signInSetup("Other");
    const { code } = await codeFor(clientId, EMAIL);
    const form = { grant_type: "authorization_code", code };
    const wrong = await tokenRequest(clientId, form, basic(clientId, other.key));
    expectError(wrong, 401, "invalid_client");
    expect(wrong.body.error).toBe("invalid_client");
    expect(wrong.headers.get("WWW-Authenticate")).toMatch(/^Basic/);
    expectError(
      await tokenRequest(clientId, { ...form, client_id: clientId, client_secret: "sk_test_wrong" }),
      401,
      "invalid_client",
    );
    expectError(await tokenRequest(clientId, form, basic(other.clientId, other.key)), 401, "invalid_client");
    expectError(await tokenRequest(clientId, { ...form, client_id: other.clientId }), 401, "invalid_client");
    expectError(await tokenRequest("client_01ZZZZZZZZZZZZZZZZZZZZZZZZ", form), 401, "invalid_client");
    expectError(await tokenRequest(clientId, form, { Authorization: "Basic !!!" }), 401, "invalid_client");
  });

  it("RFC 6749 errors: unsupported_grant_type (password is not offered here), invalid_request, invalid_grant", async () => {
    const { clientId } = await signedIn();
    const pw = await tokenRequest(clientId, { grant_type: "password", username: EMAIL, password: "x" });
    expectError(pw, 400, "unsupported_grant_type");
    expect(pw.body.error).toBe("unsupported_grant_type");
    expectError(await tokenRequest(clientId, { grant_type: "authorization_code" }), 400, "invalid_request");
    expectError(await tokenRequest(clientId, {}), 400, "invalid_request");
    expectInvalidGrant(await tokenRequest(clientId, { grant_type: "refresh_token", refresh_token: "nope" }));
    // A JSON body is not a form.
    const json = await call("POST", `/user_management/${clientId}/oauth2/token`, { body: { grant_type: "refresh_token" } });
    expect(json.status).toBe(400);
    expect(["bad_request", "invalid_request"]).toContain(json.body.code);
  });

  it("a locked production environment: 403 environment_locked on the token endpoint, JWKS, discovery and userinfo", async () => {
    const { production } = await signInSetup();
    const id = production.client_id;
    expectError(await tokenRequest(id, { grant_type: "refresh_token", refresh_token: "x" }), 403, "environment_locked");
    expectError(await call("GET", `/sso/jwks/${id}`), 403, "environment_locked");
    expectError(await call("GET", `/user_management/${id}/.well-known/openid-configuration`), 403, "environment_locked");
    expectError(await call("GET", `/user_management/${id}/oauth2/userinfo`, { token: "x" }), 403, "environment_locked");
  });
});

describe("userinfo ({issuer}/oauth2/userinfo)", () => {
  it("the user's claims for a valid access token of this issuer", async () => {
    const { clientId, user } = await signedIn();
    const t = await passwordGrant(clientId, EMAIL);
    const r = await call("GET", `/user_management/${clientId}/oauth2/userinfo`, { token: t.body.access_token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      sub: user.id,
      email: EMAIL,
      email_verified: false,
      name: "Ada Lovelace",
      given_name: "Ada",
      family_name: "Lovelace",
    });
  });

  it("401 with a Bearer challenge: no token, garbage, another environment's token, another application's, a revoked session", async () => {
    const { s, team, staging, api, clientId } = await signedIn();
    const other = await signInSetup("Other");
    await createUser(other.api, EMAIL);
    const path = `/user_management/${clientId}/oauth2/userinfo`;
    const none = await call("GET", path);
    expectError(none, 401, "unauthorized");
    expect(none.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expectError(await call("GET", path, { token: "garbage" }), 401, "unauthorized");
    const theirs = await passwordGrant(other.clientId, EMAIL);
    expectError(await call("GET", path, { token: theirs.body.access_token }), 401, "unauthorized");
    const app = await s.post(`/teams/${team.id}/environments/${staging.id}/applications`, { name: "Two", type: "web" });
    const viaTwo = await passwordGrant(app.body.client_id, EMAIL);
    expectError(await call("GET", path, { token: viaTwo.body.access_token }), 401, "unauthorized");
    const mine = await passwordGrant(clientId, EMAIL);
    await api.post("/user_management/sessions/revoke", { session_id: claimsOf(mine.body.access_token).sid });
    expectError(await call("GET", path, { token: mine.body.access_token }), 401, "unauthorized");
  });

  it("an expired access token is refused", async () => {
    const { clientId } = await signedIn();
    const t = await passwordGrant(clientId, EMAIL);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 301_000);
    try {
      const r = await call("GET", `/user_management/${clientId}/oauth2/userinfo`, { token: t.body.access_token });
      expectError(r, 401, "unauthorized");
      expect(r.body.message).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
    }
  });
});

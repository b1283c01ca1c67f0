import { env } from "cloudflare:workers";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/db/client";
import { storeOf } from "../../src/db/store-client";
import { revokeSessionsOfUser } from "../../src/services/sign-in";
import { call, expectError, sql } from "./helpers";
import {
  authenticate,
  claimsOf,
  codeFor,
  createUser,
  expectInvalidGrant,
  ORIGIN,
  passwordGrant,
  pkce,
  signInSetup,
} from "./sign-in-helpers";

const EMAIL = "ada@example.test";

async function signedIn() {
  const setup = await signInSetup();
  const user = await createUser(setup.api, EMAIL);
  return { ...setup, user };
}

const refresh = (clientId: string, token: string, extra: Record<string, string> = {}) =>
  authenticate({ client_id: clientId, grant_type: "refresh_token", refresh_token: token, ...extra });

const exchange = (clientId: string, code: string, extra: Record<string, string> = {}) =>
  authenticate({ client_id: clientId, grant_type: "authorization_code", code, ...extra });

const sessionStatus = async (id: string) =>
  (await sql<{ revoked_at: string | null }>("SELECT revoked_at FROM user_sessions WHERE id = ?", id))[0];

describe("authorization codes (grant_type=authorization_code)", () => {
  afterEach(() => vi.useRealTimers());

  it("a public client redeems a code with its PKCE verifier; the tokens continue the code's session", async () => {
    const { clientId, user } = await signedIn();
    const { verifier, challenge } = await pkce();
    const { code, sessionId } = await codeFor(clientId, EMAIL, { challenge });
    const r = await exchange(clientId, code, { code_verifier: verifier });
    expect(r.status).toBe(200);
    expect(r.body.user.id).toBe(user.id);
    expect(r.body.authentication_method).toBe("Password");
    expect(claimsOf(r.body.access_token).sid).toBe(sessionId);
    expect((await refresh(clientId, r.body.refresh_token)).status).toBe(200);
  });

  it("PKCE: a wrong or missing verifier is invalid_grant; a verifier for a code issued without a challenge is refused (downgrade)", async () => {
    const { clientId } = await signedIn();
    const { challenge } = await pkce();
    const other = await pkce();
    expectInvalidGrant(
      await exchange(clientId, (await codeFor(clientId, EMAIL, { challenge })).code, { code_verifier: other.verifier }),
    );
    expectInvalidGrant(await exchange(clientId, (await codeFor(clientId, EMAIL, { challenge })).code));
    expectInvalidGrant(
      await exchange(clientId, (await codeFor(clientId, EMAIL, { challenge })).code, { code_verifier: "short" }),
    );
    const plain = await codeFor(clientId, EMAIL);
    const downgrade = await exchange(clientId, plain.code, { code_verifier: other.verifier });
    expectInvalidGrant(downgrade);
    expect(downgrade.body.error_description).toMatch(/no code_challenge/);
  });

  it("a code issued without a challenge needs the client's secret (an API key of the environment)", async () => {
    const { clientId, key } = await signedIn();
    expectInvalidGrant(await exchange(clientId, (await codeFor(clientId, EMAIL)).code));
    expect((await exchange(clientId, (await codeFor(clientId, EMAIL)).code, { client_secret: key })).status).toBe(200);
  });

  it("expires after 10 minutes", async () => {
    const { clientId } = await signedIn();
    const { verifier, challenge } = await pkce();
    const { code } = await codeFor(clientId, EMAIL, { challenge });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 10 * 60 * 1000 + 1);
    expectInvalidGrant(await exchange(clientId, code, { code_verifier: verifier }));
  });

  it("bound to the redirect URI (when the token request repeats it) and to its application", async () => {
    const { s, team, staging, clientId } = await signedIn();
    const { verifier, challenge } = await pkce();
    const a = await codeFor(clientId, EMAIL, { challenge, redirectUri: "http://localhost:3000/callback" });
    expectInvalidGrant(
      await exchange(clientId, a.code, { code_verifier: verifier, redirect_uri: "http://localhost:3000/other" }),
    );
    const app = await s.post(`/teams/${team.id}/environments/${staging.id}/applications`, { name: "Two", type: "web" });
    const b = await codeFor(clientId, EMAIL, { challenge });
    expectInvalidGrant(await exchange(app.body.client_id, b.code, { code_verifier: verifier }));
    // Not burnt by the other application's attempt: its own application still redeems it.
    expect((await exchange(clientId, b.code, { code_verifier: verifier })).status).toBe(200);
  });

  it("isolation: another environment's client cannot redeem it", async () => {
    const { clientId } = await signedIn();
    const other = await signInSetup("Other");
    const { verifier, challenge } = await pkce();
    const { code } = await codeFor(clientId, EMAIL, { challenge });
    expectInvalidGrant(await exchange(other.clientId, code, { code_verifier: verifier }));
    expect((await exchange(clientId, code, { code_verifier: verifier })).status).toBe(200);
  });

  it("single use: a replay is invalid_grant and revokes the session the code signed in", async () => {
    const { api, clientId } = await signedIn();
    const { verifier, challenge } = await pkce();
    const { code, sessionId } = await codeFor(clientId, EMAIL, { challenge });
    const first = await exchange(clientId, code, { code_verifier: verifier });
    expect(first.status).toBe(200);
    expectInvalidGrant(await exchange(clientId, code, { code_verifier: verifier }));
    expect((await sessionStatus(sessionId)).revoked_at).not.toBeNull();
    expectInvalidGrant(await refresh(clientId, first.body.refresh_token));
    const events = await api.get("/events?events=session.revoked");
    expect(events.body.data.map((e: any) => e.data.id)).toEqual([sessionId]);
  });

  it("stored hashed: the code itself is nowhere in the database", async () => {
    const { clientId } = await signedIn();
    const { code } = await codeFor(clientId, EMAIL);
    const rows = await sql<Record<string, unknown>>("SELECT * FROM authorization_codes");
    expect(JSON.stringify(rows)).not.toContain(code);
  });

  it("20 simultaneous exchanges of one code: exactly one 200", async () => {
    const { clientId } = await signedIn();
    const { verifier, challenge } = await pkce();
    const { code } = await codeFor(clientId, EMAIL, { challenge });
    const answers = await Promise.all(Array.from({ length: 20 }, () => exchange(clientId, code, { code_verifier: verifier })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200)) expectInvalidGrant(a);
  }, 30_000);

  it("an ID token when openid was asked: aud, nonce, auth_time and profile claims, signed by a JWKS key", async () => {
    const { clientId, user } = await signedIn();
    const { code } = await codeFor(clientId, EMAIL, { scope: "openid profile email", nonce: "n-123" });
    const r = await call("POST", `/user_management/${clientId}/oauth2/token`, {
      rawBody: new URLSearchParams({ grant_type: "authorization_code", code, client_id: clientId }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    // No secret, no PKCE: refused (a public client must use PKCE).
    expectInvalidGrant(r);
    const { challenge, verifier } = await pkce();
    const again = await codeFor(clientId, EMAIL, { scope: "openid profile email", nonce: "n-123", challenge });
    const t = await call("POST", `/user_management/${clientId}/oauth2/token`, {
      rawBody: new URLSearchParams({
        grant_type: "authorization_code",
        code: again.code,
        client_id: clientId,
        code_verifier: verifier,
        redirect_uri: "http://localhost:3000/callback",
      }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(t.status).toBe(200);
    const jwks = createLocalJWKSet((await call("GET", `/sso/jwks/${clientId}`)).body);
    const issuer = `${ORIGIN}/user_management/${clientId}`;
    const { payload } = await jwtVerify(t.body.id_token, jwks, { issuer, audience: clientId });
    expect(payload).toMatchObject({
      sub: user.id,
      nonce: "n-123",
      email: EMAIL,
      email_verified: false,
      name: "Ada Lovelace",
      given_name: "Ada",
      family_name: "Lovelace",
    });
    expect(typeof payload.auth_time).toBe("number");
    await jwtVerify(t.body.access_token, jwks, { issuer });
  });
});

describe("refresh tokens (grant_type=refresh_token)", () => {
  afterEach(() => vi.useRealTimers());

  it("rotates on every use; within 10 s the rotated token answers with the same successor", async () => {
    const { clientId } = await signedIn();
    const first = await passwordGrant(clientId, EMAIL);
    const a = await refresh(clientId, first.body.refresh_token);
    expect(a.status).toBe(200);
    expect(a.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(claimsOf(a.body.access_token).sid).toBe(claimsOf(first.body.access_token).sid);
    const again = await refresh(clientId, first.body.refresh_token);
    expect(again.status).toBe(200);
    expect(again.body.refresh_token).toBe(a.body.refresh_token);
    const next = await refresh(clientId, a.body.refresh_token);
    expect(next.status).toBe(200);
    expect(next.body.refresh_token).not.toBe(a.body.refresh_token);
  });

  it("reuse after the 10 s window: invalid_grant and the whole session revoked, its current token included", async () => {
    const { clientId } = await signedIn();
    const first = await passwordGrant(clientId, EMAIL);
    const sid = claimsOf(first.body.access_token).sid;
    vi.useFakeTimers({ toFake: ["Date"] });
    const a = await refresh(clientId, first.body.refresh_token);
    expect(a.status).toBe(200);
    vi.setSystemTime(Date.now() + 10_000 - 5);
    expect((await refresh(clientId, first.body.refresh_token)).body.refresh_token).toBe(a.body.refresh_token);
    vi.setSystemTime(Date.now() + 10);
    expectInvalidGrant(await refresh(clientId, first.body.refresh_token));
    expect((await sessionStatus(sid)).revoked_at).not.toBeNull();
    expectInvalidGrant(await refresh(clientId, a.body.refresh_token));
  });

  it("20 simultaneous refreshes of one token: all succeed with one successor, which works", async () => {
    const { clientId } = await signedIn();
    const first = await passwordGrant(clientId, EMAIL);
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(clientId, first.body.refresh_token)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body.refresh_token)).size).toBe(1);
    expect((await refresh(clientId, answers[0].body.refresh_token)).status).toBe(200);
  }, 30_000);

  it("stored hashed; unknown tokens are invalid_grant", async () => {
    const { clientId } = await signedIn();
    const first = await passwordGrant(clientId, EMAIL);
    const rows = await sql("SELECT * FROM refresh_tokens");
    expect(JSON.stringify(rows)).not.toContain(first.body.refresh_token);
    expectInvalidGrant(await refresh(clientId, "not-a-token"));
  });

  it("bound to its application and environment: others get invalid_grant and the token stays good", async () => {
    const { s, team, staging, clientId } = await signedIn();
    const first = await passwordGrant(clientId, EMAIL);
    const app = await s.post(`/teams/${team.id}/environments/${staging.id}/applications`, { name: "Two", type: "web" });
    expectInvalidGrant(await refresh(app.body.client_id, first.body.refresh_token));
    const other = await signInSetup("Other");
    expectInvalidGrant(await refresh(other.clientId, first.body.refresh_token));
    expect((await refresh(clientId, first.body.refresh_token)).status).toBe(200);
  });

  it("organization_id switches the session to another of the user's organizations (org_id and role); a non-member's is refused", async () => {
    const { api, clientId, user } = await signedIn();
    const org1 = (await api.post("/organizations", { name: "One" })).body;
    const org2 = (await api.post("/organizations", { name: "Two" })).body;
    const stranger = (await api.post("/organizations", { name: "Three" })).body;
    for (const [org, role] of [
      [org1, "member"],
      [org2, "admin"],
    ])
      expect(
        (
          await api.post("/user_management/organization_memberships", {
            user_id: user.id,
            organization_id: org.id,
            role_slug: role,
          })
        ).status,
      ).toBe(201);
    const first = await passwordGrant(clientId, EMAIL);
    const a = await refresh(clientId, first.body.refresh_token, { organization_id: org2.id });
    expect(a.status).toBe(200);
    expect(a.body.organization_id).toBe(org2.id);
    expect(claimsOf(a.body.access_token)).toMatchObject({ org_id: org2.id, role: "admin" });
    const refused = await refresh(clientId, a.body.refresh_token, { organization_id: stranger.id });
    expectInvalidGrant(refused);
    // The refused switch did not use the token up.
    const b = await refresh(clientId, a.body.refresh_token, { organization_id: org1.id });
    expect(b.status).toBe(200);
    expect(claimsOf(b.body.access_token)).toMatchObject({ org_id: org1.id, role: "member" });
    // Staying put keeps the organization.
    const c = await refresh(clientId, b.body.refresh_token);
    expect(claimsOf(c.body.access_token).org_id).toBe(org1.id);
    const sessions = await api.get(`/user_management/users/${user.id}/sessions`);
    expect(sessions.body.data[0].organization_id).toBe(org1.id);
  });

  it("sessions end after 30 days", async () => {
    const { clientId } = await signedIn();
    const first = await passwordGrant(clientId, EMAIL);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 30 * 24 * 3600 * 1000 + 1000);
    expectInvalidGrant(await refresh(clientId, first.body.refresh_token));
  });

  it("feature_flags: the slugs on for the user or the session's organization", async () => {
    const { s, team, project, api, clientId, user } = await signedIn();
    for (const [slug, default_value] of [
      ["for-everyone", true],
      ["for-ada", false],
      ["for-org", false],
      ["off", true],
    ] as const)
      expect(
        (await s.post(`/teams/${team.id}/projects/${project.id}/feature_flags`, { slug, name: slug, default_value })).status,
      ).toBe(201);
    for (const slug of ["for-everyone", "for-ada", "for-org"])
      expect((await api.put(`/feature-flags/${slug}/enable`)).status).toBeLessThan(300);
    const org = (await api.post("/organizations", { name: "One" })).body;
    await api.post("/user_management/organization_memberships", { user_id: user.id, organization_id: org.id });
    expect((await api.post(`/feature-flags/for-ada/targets/${user.id}`)).status).toBeLessThan(300);
    expect((await api.post(`/feature-flags/for-org/targets/${org.id}`)).status).toBeLessThan(300);
    const first = await passwordGrant(clientId, EMAIL);
    expect(claimsOf(first.body.access_token).feature_flags).toEqual(["for-ada", "for-everyone"]);
    const inOrg = await refresh(clientId, first.body.refresh_token, { organization_id: org.id });
    expect(claimsOf(inOrg.body.access_token).feature_flags).toEqual(["for-ada", "for-everyone", "for-org"]);
  });
});

describe("sessions (environment key)", () => {
  it("lists a user's sessions; revoking one stops its refresh tokens and records session.revoked", async () => {
    const { api, clientId, user } = await signedIn();
    const a = await passwordGrant(clientId, EMAIL);
    const b = await passwordGrant(clientId, EMAIL);
    const list = await api.get(`/user_management/users/${user.id}/sessions`);
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(2);
    expect(list.body.data[0]).toMatchObject({
      object: "session",
      user_id: user.id,
      status: "active",
      auth_method: "password",
      ended_at: null,
    });
    const sid = claimsOf(a.body.access_token).sid;
    const revoked = await api.post("/user_management/sessions/revoke", { session_id: sid });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: sid, status: "revoked" });
    expectInvalidGrant(await refresh(clientId, a.body.refresh_token));
    expect((await refresh(clientId, b.body.refresh_token)).status).toBe(200);
    const after = await api.get(`/user_management/users/${user.id}/sessions?order=asc`);
    expect(after.body.data.map((x: any) => x.status)).toEqual(["revoked", "active"]);
    expect((await api.get("/events?events=session.revoked")).body.data).toHaveLength(1);
  });

  it("another environment's key sees none of them (404); unknown session → 404 session_not_found", async () => {
    const { api, clientId, user } = await signedIn();
    const a = await passwordGrant(clientId, EMAIL);
    const other = await signInSetup("Other");
    expectError(await other.api.get(`/user_management/users/${user.id}/sessions`), 404, "user_not_found");
    expectError(
      await other.api.post("/user_management/sessions/revoke", { session_id: claimsOf(a.body.access_token).sid }),
      404,
      "session_not_found",
    );
    expect((await refresh(clientId, a.body.refresh_token)).status).toBe(200);
    expectError(
      await api.post("/user_management/sessions/revoke", { session_id: "session_01ZZZZZZZZZZZZZZZZZZZZZZZZ" }),
      404,
      "session_not_found",
    );
    expectError(await api.post("/user_management/sessions/revoke", { session_id: "nope" }), 422, "validation_failed");
  });

  it("revokeSessionsOfUser (a password reset) ends every session of the user, and only theirs", async () => {
    const { api, clientId, user, staging } = await signedIn();
    await createUser(api, "bob@example.test");
    const a = await passwordGrant(clientId, EMAIL);
    const b = await passwordGrant(clientId, EMAIL);
    const bob = await passwordGrant(clientId, "bob@example.test");
    expect(
      await revokeSessionsOfUser(
        storeOf(env, { id: staging.id, dataLocation: "object" }, openDatabase(env)),
        staging.id,
        user.id,
      ),
    ).toBe(2);
    expectInvalidGrant(await refresh(clientId, a.body.refresh_token));
    expectInvalidGrant(await refresh(clientId, b.body.refresh_token));
    expect((await refresh(clientId, bob.body.refresh_token)).status).toBe(200);
  });
});

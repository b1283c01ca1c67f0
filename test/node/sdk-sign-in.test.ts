import { createHash, randomBytes } from "node:crypto";
import { OauthException, RateLimitExceededException, UnauthorizedException, WorkOS } from "@workos-inc/node";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { useWorker } from "./harness";

/**
 * Sign-in through applications with the official SDK, unchanged (`maxRetries: 0`): password, code + PKCE as a
 * public client, refresh, sealed sessions, sessions listing and revocation; refusals as the SDK types them.
 */
const worker = useWorker();
const PASSWORD = "correct horse battery staple";
const COOKIE_PASSWORD = "a cookie password of at least 32 characters!";

let workos: WorkOS;
let clientId: string;
let teamId: string;
let environmentId: string;

/** A keyless SDK, as a browser, mobile or CLI app uses it. */
const publicClient = (id: string) =>
  new WorkOS({ clientId: id, apiHostname: worker.hostname, port: worker.port, https: false, maxRetries: 0 });

const b64url = (b: Buffer) => b.toString("base64url");

beforeAll(async () => {
  const { team, staging } = await worker.newTeam();
  teamId = team.id;
  environmentId = staging.id;
  clientId = staging.client_id;
  workos = worker.workos(await worker.mintKey(team.id, staging.id), { clientId });
  await workos.userManagement.createUser({
    email: "ada@example.test",
    password: PASSWORD,
    firstName: "Ada",
    lastName: "Lovelace",
  });
});

/**
 * A code as the hosted page issues one after sign-in: stored hashed, bound to the session, the application,
 * the redirect URI and the PKCE challenge (written straight into D1: the hosted page is another part's).
 */
async function issueCode(sessionId: string, userId: string, challenge: string | null) {
  const code = b64url(randomBytes(32));
  const now = Date.now();
  await worker.sql(
    "INSERT INTO authorization_codes (environment_id, code_hash, client_id, redirect_uri, code_challenge, session_id, user_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    environmentId,
    createHash("sha256").update(code).digest("hex"),
    clientId,
    "http://localhost:3000/callback",
    challenge,
    sessionId,
    userId,
    new Date(now + 600_000).toISOString(),
    new Date(now).toISOString(),
  );
  return code;
}

describe("SDK: sign-in through an application", () => {
  it("authenticateWithPassword: the user and tokens that verify against getJWKS()", async () => {
    const auth = await workos.userManagement.authenticateWithPassword({
      clientId,
      email: "ada@example.test",
      password: PASSWORD,
    });
    expect(auth.user).toMatchObject({ email: "ada@example.test", firstName: "Ada" });
    expect(auth.authenticationMethod).toBe("Password");
    const { payload } = await jwtVerify(
      auth.accessToken,
      createRemoteJWKSet(new URL(workos.userManagement.getJwksUrl(clientId))),
      {
        issuer: `${worker.url.origin}/user_management/${clientId}`,
      },
    );
    expect(payload.sub).toBe(auth.user.id);
  });

  it("a wrong password: OauthException invalid_grant (terminal), never a 401", async () => {
    const err = await workos.userManagement
      .authenticateWithPassword({ clientId, email: "ada@example.test", password: "nope nope nope" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OauthException);
    expect(err).toMatchObject({ status: 400, error: "invalid_grant", errorDescription: "Incorrect email or password." });
  });

  it("authenticateWithCodeAndVerifier (public client) then authenticateWithRefreshToken", async () => {
    const signedIn = await workos.userManagement.authenticateWithPassword({
      clientId,
      email: "ada@example.test",
      password: PASSWORD,
    });
    const sid = JSON.parse(Buffer.from(signedIn.accessToken.split(".")[1], "base64url").toString()).sid;
    const { codeVerifier, codeChallenge } = await workos.pkce.generate();
    const code = await issueCode(sid, signedIn.user.id, codeChallenge);
    const app = publicClient(clientId);
    const exchanged = await app.userManagement.authenticateWithCodeAndVerifier({ code, codeVerifier });
    expect(exchanged.user.id).toBe(signedIn.user.id);
    const refreshed = await app.userManagement.authenticateWithRefreshToken({ clientId, refreshToken: exchanged.refreshToken });
    expect(refreshed.refreshToken).not.toBe(exchanged.refreshToken);
    // The code again: refused, and the session it signed in is revoked.
    const replay = await app.userManagement.authenticateWithCodeAndVerifier({ code, codeVerifier }).catch((e) => e);
    expect(replay).toMatchObject({ error: "invalid_grant" });
    const gone = await app.userManagement
      .authenticateWithRefreshToken({ clientId, refreshToken: refreshed.refreshToken })
      .catch((e) => e);
    expect(gone).toBeInstanceOf(OauthException);
    const sessions = await workos.userManagement.listSessions(signedIn.user.id);
    expect(sessions.data.find((s) => s.id === sid)?.status).toBe("revoked");
  });

  it("sealed sessions: loadSealedSession(...).authenticate() and .refresh()", async () => {
    const auth = await workos.userManagement.authenticateWithPassword({
      clientId,
      email: "ada@example.test",
      password: PASSWORD,
      session: { sealSession: true, cookiePassword: COOKIE_PASSWORD },
    });
    expect(typeof auth.sealedSession).toBe("string");
    const session = workos.userManagement.loadSealedSession({
      sessionData: auth.sealedSession!,
      cookiePassword: COOKIE_PASSWORD,
    });
    const checked = await session.authenticate();
    expect(checked).toMatchObject({ authenticated: true, user: { id: auth.user.id }, featureFlags: [] });
    const refreshed = await session.refresh();
    expect(refreshed.authenticated).toBe(true);
    if (!refreshed.authenticated) return;
    expect(refreshed.sessionId).toBe((checked as { sessionId: string }).sessionId);
    const again = workos.userManagement.loadSealedSession({
      sessionData: refreshed.sealedSession!,
      cookiePassword: COOKIE_PASSWORD,
    });
    expect((await again.authenticate()).authenticated).toBe(true);
    // Revoked: the next refresh is terminal (invalid_grant), not retryable.
    await workos.userManagement.revokeSession({ sessionId: refreshed.sessionId });
    expect(await again.refresh()).toMatchObject({ authenticated: false, reason: "invalid_grant" });
  });

  it("cross-environment: another environment's key as client_secret is 401; its JWKS does not verify our tokens", async () => {
    const other = await worker.newTeam("Other");
    const otherKey = await worker.mintKey(other.team.id, other.staging.id);
    const wrongKey = worker.workos(otherKey, { clientId });
    await expect(
      wrongKey.userManagement.authenticateWithPassword({ clientId, email: "ada@example.test", password: PASSWORD }),
    ).rejects.toBeInstanceOf(UnauthorizedException);
    const auth = await workos.userManagement.authenticateWithPassword({
      clientId,
      email: "ada@example.test",
      password: PASSWORD,
    });
    const theirs = createRemoteJWKSet(new URL(workos.userManagement.getJwksUrl(other.staging.client_id)));
    await expect(jwtVerify(auth.accessToken, theirs)).rejects.toThrow();
  });

  it("throttling: RateLimitExceededException with retryAfter after 5 failures for one email", async () => {
    await workos.userManagement.createUser({ email: "grace@example.test", password: PASSWORD });
    for (let i = 0; i < 5; i++)
      await expect(
        workos.userManagement.authenticateWithPassword({
          clientId,
          email: "grace@example.test",
          password: `wrong ${i} password`,
        }),
      ).rejects.toBeInstanceOf(OauthException);
    const err = await workos.userManagement
      .authenticateWithPassword({ clientId, email: "grace@example.test", password: PASSWORD })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitExceededException);
    expect(err.retryAfter).toBeGreaterThan(0);
  });

  it("rotation through the Platform API keeps existing sessions working", async () => {
    const auth = await workos.userManagement.authenticateWithPassword({
      clientId,
      email: "ada@example.test",
      password: PASSWORD,
    });
    const r = await worker.platform("POST", `/teams/${teamId}/environments/${environmentId}/signing_keys/rotate`);
    expect(r.status).toBe(200);
    const refreshed = await publicClient(clientId).userManagement.authenticateWithRefreshToken({
      clientId,
      refreshToken: auth.refreshToken,
    });
    const jwks = createRemoteJWKSet(new URL(workos.userManagement.getJwksUrl(clientId)));
    await jwtVerify(refreshed.accessToken, jwks);
    await jwtVerify(auth.accessToken, jwks);
  });
});

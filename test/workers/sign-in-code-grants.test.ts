import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { deleteExpiredSignInRows } from "../../src/services/sign-in/cleanup";
import { d1, envApi, expectError, mintKey, sql, storeObject, storeSql } from "./helpers";
import { eventsOf, otherCode } from "./sign-in-codes-helpers";
import { authenticate, claimsOf, createUser, expectInvalidGrant, PASSWORD, passwordGrant, signInSetup } from "./sign-in-helpers";

const MAGIC = "urn:workos:oauth:grant-type:magic-auth:code";
const VERIFY = "urn:workos:oauth:grant-type:email-verification:code";

describe("the Magic Auth grant", () => {
  it("signs up an unknown email (verified) and signs in: the SDK's answer, a session, MagicAuth; the code works once", async () => {
    const { api, clientId, staging } = await signInSetup();
    const m = (await api.post("/user_management/magic_auth", { email: "new@x.test" })).body;
    const r = await authenticate({
      client_id: clientId,
      grant_type: MAGIC,
      email: "new@x.test",
      code: m.code,
      ip_address: "203.0.113.9",
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("Cache-Control")).toBe("no-store");
    expect(r.body).toMatchObject({
      user: { object: "user", email: "new@x.test", email_verified: true },
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      authentication_method: "MagicAuth",
    });
    expect(claimsOf(r.body.access_token)).toMatchObject({ sub: r.body.user.id, sid: expect.stringMatching(/^session_/) });
    const sessions = (await api.get(`/user_management/users/${r.body.user.id}/sessions`)).body.data;
    expect(sessions).toMatchObject([{ auth_method: "magic_code", status: "active", ip_address: "203.0.113.9" }]);
    expectInvalidGrant(await authenticate({ client_id: clientId, grant_type: MAGIC, email: "new@x.test", code: m.code }));
    expect((await eventsOf(staging.id, "authentication.magic_auth")).map((e) => e.event)).toEqual([
      "authentication.magic_auth_succeeded",
      "authentication.magic_auth_failed",
    ]);
  });

  it("a wrong code is invalid_grant and counts; after five the right code is refused too", async () => {
    const { api, clientId } = await signInSetup();
    const user = await createUser(api, "ada@x.test");
    const m = (await api.post("/user_management/magic_auth", { email: "ada@x.test" })).body;
    for (let i = 0; i < 5; i++) {
      const r = await authenticate({ client_id: clientId, grant_type: MAGIC, email: "ada@x.test", code: otherCode(m.code) });
      expectInvalidGrant(r);
    }
    const last = await authenticate({ client_id: clientId, grant_type: MAGIC, email: "ada@x.test", code: m.code });
    expectInvalidGrant(last);
    expect(last.body.error_description).toMatch(/burned|expired|Send a new one/);
    expect(await sql("SELECT count(*) AS n FROM user_sessions WHERE user_id = ?", user.id)).toEqual([{ n: 0 }]);
  });

  it("missing fields are invalid_request; another environment's client cannot use the code", async () => {
    const { s, team, project, api, clientId } = await signInSetup();
    const m = (await api.post("/user_management/magic_auth", { email: "ada@x.test" })).body;
    const missing = await authenticate({ client_id: clientId, grant_type: MAGIC, email: "ada@x.test" });
    expect({ status: missing.status, error: missing.body.error }).toEqual({ status: 400, error: "invalid_request" });
    const sibling = (await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id })).body;
    expectInvalidGrant(
      await authenticate({ client_id: sibling.client_id, grant_type: MAGIC, email: "ada@x.test", code: m.code }),
    );
    // Still good in its own environment.
    expect((await authenticate({ client_id: clientId, grant_type: MAGIC, email: "ada@x.test", code: m.code })).status).toBe(200);
  });
});

describe("require_email_verification on sign-in", () => {
  async function requiring() {
    const setup = await signInSetup();
    await setup.s.patch(`/teams/${setup.team.id}/environments/${setup.staging.id}`, { require_email_verification: true });
    return setup;
  }

  it("a password sign-in of an unverified user: 403 with a pending token, then the code completes it as a Password sign-in", async () => {
    const { api, clientId, staging } = await requiring();
    const user = await createUser(api, "ada@x.test");
    const refused = await passwordGrant(clientId, "ada@x.test");
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      code: "email_verification_required",
      message: expect.any(String),
      pending_authentication_token: expect.any(String),
      email: "ada@x.test",
      email_verification_id: expect.stringMatching(/^email_verification_/),
    });
    expect(await sql("SELECT count(*) AS n FROM user_sessions WHERE user_id = ?", user.id)).toEqual([{ n: 0 }]);
    expect((await eventsOf(staging.id, "email_verification.created")).length).toBe(1);
    const { code } = (await api.get(`/user_management/email_verification/${refused.body.email_verification_id}`)).body;
    const token = refused.body.pending_authentication_token;

    expectInvalidGrant(
      await authenticate({ client_id: clientId, grant_type: VERIFY, pending_authentication_token: token, code: otherCode(code) }),
    );
    const done = await authenticate({ client_id: clientId, grant_type: VERIFY, pending_authentication_token: token, code });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ user: { id: user.id, email_verified: true }, authentication_method: "Password" });
    expectInvalidGrant(
      await authenticate({ client_id: clientId, grant_type: VERIFY, pending_authentication_token: token, code }),
    );
    // Verified now: the next password sign-in goes straight through.
    expect((await passwordGrant(clientId, "ada@x.test")).status).toBe(200);
  });

  it("the pending token works only through the application it was issued to, and not in another environment", async () => {
    const { s, team, project, staging, api, clientId } = await requiring();
    await createUser(api, "ada@x.test");
    const refused = (await passwordGrant(clientId, "ada@x.test")).body;
    const { code } = (await api.get(`/user_management/email_verification/${refused.email_verification_id}`)).body;
    const web = (
      await s.post(`/teams/${team.id}/environments/${staging.id}/applications`, {
        name: "Web",
        type: "web",
        redirect_uris: ["https://a.test/cb"],
      })
    ).body;
    const sibling = (await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id })).body;
    for (const other of [web.client_id, sibling.client_id])
      expectInvalidGrant(
        await authenticate({
          client_id: other,
          grant_type: VERIFY,
          pending_authentication_token: refused.pending_authentication_token,
          code,
        }),
      );
    const done = await authenticate({
      client_id: clientId,
      grant_type: VERIFY,
      pending_authentication_token: refused.pending_authentication_token,
      code,
    });
    expect(done.status).toBe(200);
  });

  it("a wrong password is still invalid_grant (no code sent); verified users and environments without the setting pass", async () => {
    const { s, team, staging, api, clientId } = await requiring();
    await createUser(api, "ada@x.test");
    await createUser(api, "grace@x.test", PASSWORD, { email_verified: true });
    expectInvalidGrant(await passwordGrant(clientId, "ada@x.test", "wrong password!"));
    expect((await eventsOf(staging.id, "email_verification.created")).length).toBe(0);
    expect((await passwordGrant(clientId, "grace@x.test")).status).toBe(200);
    await s.patch(`/teams/${team.id}/environments/${staging.id}`, { require_email_verification: false });
    expect((await passwordGrant(clientId, "ada@x.test")).status).toBe(200);
  });
});

describe("password reset ends the user's sessions", () => {
  it("revokes every session (its refresh tokens refused), sets the password and verifies the email", async () => {
    const { api, clientId, staging } = await signInSetup();
    const user = await createUser(api, "ada@x.test");
    const first = (await passwordGrant(clientId, "ada@x.test")).body;
    await passwordGrant(clientId, "ada@x.test");
    const reset = (await api.post("/user_management/password_reset", { email: "ada@x.test" })).body;
    const r = await api.post("/user_management/password_reset/confirm", {
      token: reset.password_reset_token,
      new_password: "a brand new passphrase",
    });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: user.id, email_verified: true });
    const sessions = (await api.get(`/user_management/users/${user.id}/sessions`)).body.data;
    expect(sessions.map((x: any) => x.status)).toEqual(["revoked", "revoked"]);
    expect((await eventsOf(staging.id, "session.revoked")).length).toBe(2);
    expectInvalidGrant(
      await authenticate({ client_id: clientId, grant_type: "refresh_token", refresh_token: first.refresh_token }),
    );
    expectInvalidGrant(await passwordGrant(clientId, "ada@x.test"));
    expect((await passwordGrant(clientId, "ada@x.test", "a brand new passphrase")).status).toBe(200);
  });

  it("another environment's key cannot use a reset token", async () => {
    const { s, team, project, api } = await signInSetup();
    await createUser(api, "ada@x.test");
    const reset = (await api.post("/user_management/password_reset", { email: "ada@x.test" })).body;
    const sibling = (await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id })).body;
    const other = envApi(await mintKey(s, team.id, sibling.id));
    expectError(
      await other.post("/user_management/password_reset/confirm", {
        token: reset.password_reset_token,
        new_password: "stolen passphrase",
      }),
      422,
      "password_reset_token_invalid",
    );
    expect(
      (
        await api.post("/user_management/password_reset/confirm", {
          token: reset.password_reset_token,
          new_password: "mine again!",
        })
      ).status,
    ).toBe(200);
  });
});

describe("a transfer moves the codes with their environment", () => {
  it("a Magic Auth code, a pending verification, a reset token and an invitation token keep working after the move", async () => {
    const { s, team, project, staging, api, clientId } = await signInSetup();
    await s.patch(`/teams/${team.id}/environments/${staging.id}`, { require_email_verification: true });
    await createUser(api, "ada@x.test");
    const magic = (await api.post("/user_management/magic_auth", { email: "new@x.test" })).body;
    const refused = (await passwordGrant(clientId, "ada@x.test")).body;
    const reset = (await api.post("/user_management/password_reset", { email: "ada@x.test" })).body;
    const invitation = (await api.post("/user_management/invitations", { email: "invitee@x.test" })).body;
    const moved = await s.post(`/teams/${team.id}/projects`, {
      name: "Moved",
      transfer: { source_project_id: project.id, environment_ids: [staging.id], acknowledge: true },
    });
    expect(moved.status).toBe(201);
    expect((await api.get(`/user_management/magic_auth/${magic.id}`)).body.code).toBe(magic.code);
    expect((await authenticate({ client_id: clientId, grant_type: MAGIC, email: "new@x.test", code: magic.code })).status).toBe(
      200,
    );
    const { code } = (await api.get(`/user_management/email_verification/${refused.email_verification_id}`)).body;
    const verified = await authenticate({
      client_id: clientId,
      grant_type: VERIFY,
      pending_authentication_token: refused.pending_authentication_token,
      code,
    });
    expect(verified.status).toBe(200);
    expect((await api.get(`/user_management/invitations/by_token/${invitation.token}`)).body.id).toBe(invitation.id);
    const confirmed = await api.post("/user_management/password_reset/confirm", {
      token: reset.password_reset_token,
      new_password: "moved passphrase",
    });
    expect(confirmed.status).toBe(200);
  });
});

describe("the cleanup of expired one-time codes", () => {
  const TABLES = ["magic_auths", "email_verifications", "pending_authentications", "user_password_resets"];

  /**
   * A user with a Magic Auth code, a pending email verification and authentication, a reset token (all expiring
   * within the hour, none used) and an invitation, in an environment whose data is in D1 or in its own object.
   */
  async function expiringCodes(where: "d1" | "object") {
    const { s, team, staging, api, clientId } = await signInSetup();
    if (where === "d1") await d1("UPDATE environments SET data_location = 'd1' WHERE id = ?", staging.id);
    await s.patch(`/teams/${team.id}/environments/${staging.id}`, { require_email_verification: true });
    const user = await createUser(api, "ada@x.test");
    const magic = (await api.post("/user_management/magic_auth", { email: "ada@x.test" })).body;
    const refused = (await passwordGrant(clientId, "ada@x.test")).body;
    const reset = (await api.post("/user_management/password_reset", { email: "ada@x.test" })).body;
    const invitation = (await api.post("/user_management/invitations", { email: "invitee@x.test" })).body;
    // Read where the environment's data is (never both: the other side holds none of it).
    const read = <T = Record<string, unknown>>(query: string, ...params: unknown[]) =>
      where === "d1" ? d1<T>(query, ...params) : storeSql<T>(staging.id, query, ...params);
    const count = async () =>
      (
        await read<Record<string, number>>(
          `SELECT (SELECT count(*) FROM magic_auths WHERE user_id = ?1) AS magic, (SELECT count(*) FROM email_verifications WHERE user_id = ?1) AS verifications,
            (SELECT count(*) FROM pending_authentications WHERE user_id = ?1) AS pending, (SELECT count(*) FROM user_password_resets WHERE user_id = ?1) AS resets`,
          user.id,
        )
      )[0];
    expect(await count()).toEqual({ magic: 1, verifications: 1, pending: 1, resets: 1 });
    /** What is left is what the API still shows: the invitation stays, whatever happens to the codes. */
    const expectGone = async () => {
      expect(await count()).toEqual({ magic: 0, verifications: 0, pending: 0, resets: 0 });
      expect((await api.get(`/user_management/magic_auth/${magic.id}`)).status).toBe(404);
      expect((await api.get(`/user_management/email_verification/${refused.email_verification_id}`)).status).toBe(404);
      expect((await api.get(`/user_management/password_reset/${reset.id}`)).status).toBe(404);
      expect((await api.get(`/user_management/invitations/${invitation.id}`)).status).toBe(200);
    };
    /** Each delete walks the table's expiry index. */
    const expectIndexed = async () => {
      for (const table of TABLES) {
        const plan = await read<{ detail: string }>(`EXPLAIN QUERY PLAN DELETE FROM ${table} WHERE expires_at < ?`, "2026-01-01");
        expect(plan.map((p) => p.detail).join(" "), table).toMatch(/USING (COVERING )?INDEX \w+_expiry_idx/);
      }
    };
    return { staging, api, user, magic, read, count, expectGone, expectIndexed };
  }

  it("the Cron Trigger deletes those of an environment still in D1 a day past their expiry, through their expiry indexes; keeps invitations", async () => {
    const { api, magic, count, expectGone, expectIndexed } = await expiringCodes("d1");
    // Expired (10 and 30 minutes), but within the day they stay readable.
    await deleteExpiredSignInRows(openDatabase(env), Date.now() + 60 * 60_000);
    expect(await count()).toEqual({ magic: 1, verifications: 1, pending: 1, resets: 1 });
    expect((await api.get(`/user_management/magic_auth/${magic.id}`)).status).toBe(200);
    await deleteExpiredSignInRows(openDatabase(env), Date.now() + 25 * 60 * 60_000);
    await expectGone();
    await expectIndexed();
  });

  it("an environment's object deletes its own from its alarm, hourly, a day past their expiry, through their expiry indexes; keeps invitations", async () => {
    const { staging, api, user, magic, read, count, expectGone, expectIndexed } = await expiringCodes("object");
    const stub = storeObject(staging.id);
    // The codes' time passes (their rows say when they expire; the alarm reads the clock).
    const expiredAgo = async (ms: number) => {
      for (const table of TABLES)
        await read(`UPDATE ${table} SET expires_at = ? WHERE user_id = ?`, new Date(Date.now() - ms).toISOString(), user.id);
    };
    const cleanupDue = () => runInDurableObject(stub, async (_o, state) => state.storage.kv.put("cleanup_at", Date.now() - 1));
    // Expired an hour ago: within the day they stay readable.
    await expiredAgo(60 * 60_000);
    await cleanupDue();
    await runDurableObjectAlarm(stub);
    expect(await count()).toEqual({ magic: 1, verifications: 1, pending: 1, resets: 1 });
    expect((await api.get(`/user_management/magic_auth/${magic.id}`)).status).toBe(200);
    // A day and an hour ago: the next cleanup is an hour away, so nothing goes until it is due.
    await expiredAgo(25 * 60 * 60_000);
    await runDurableObjectAlarm(stub);
    expect(await count()).toEqual({ magic: 1, verifications: 1, pending: 1, resets: 1 });
    await cleanupDue();
    await runDurableObjectAlarm(stub);
    await expectGone();
    await expectIndexed();
  });
});

import { describe, expect, it } from "vitest";
import { completePendingAuthentication, refuseUnverifiedEmail } from "../../src/services/sign-in/email-verification";
import { getUser } from "../../src/services/users";
import { envApi, expectError, mintKey, sql, stagingApi } from "./helpers";
import { codeScopeOf, eventsOf, expectNotStored, otherCode, rejection } from "./sign-in-codes-helpers";

async function unverifiedUser(api: Awaited<ReturnType<typeof stagingApi>>["api"], email = "ada@x.test") {
  return (await api.post("/user_management/users", { email })).body;
}

/** Sends a code and reads it back as an application that sends its own email would: the event, then GET. */
async function sendCode(api: Awaited<ReturnType<typeof stagingApi>>["api"], environmentId: string, userId: string) {
  const sent = await api.post(`/user_management/users/${userId}/email_verification/send`, {});
  expect(sent.status).toBe(200);
  const created = (await eventsOf(environmentId, "email_verification.created")).at(-1);
  const got = await api.get(`/user_management/email_verification/${created?.data.id}`);
  expect(got.status).toBe(200);
  return { sent: sent.body, verification: got.body, event: created };
}

describe("email verification", () => {
  it("send answers {user}; the event names the code without it; GET shows it; confirm verifies (user.updated)", async () => {
    const { api, staging } = await stagingApi();
    const user = await unverifiedUser(api);
    const before = Date.now();
    const { sent, verification, event } = await sendCode(api, staging.id, user.id);
    expect(sent).toEqual({ user });
    expect(verification).toEqual({
      object: "email_verification",
      id: expect.stringMatching(/^email_verification_[0-9A-Z]{26}$/),
      user_id: user.id,
      email: "ada@x.test",
      expires_at: expect.any(String),
      code: expect.stringMatching(/^\d{6}$/),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(Date.parse(verification.expires_at) - before).toBeLessThanOrEqual(10 * 60_000 + 5_000);
    const { code, ...withoutCode } = verification;
    expect(event?.data).toEqual(withoutCode);
    await expectNotStored("email_verifications", code);
    await expectNotStored("events", code);

    const confirmed = await api.post(`/user_management/users/${user.id}/email_verification/confirm`, { code });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.user).toMatchObject({ id: user.id, email_verified: true });
    expect((await api.get(`/user_management/users/${user.id}`)).body.email_verified).toBe(true);
    expect((await eventsOf(staging.id, "user.updated")).map((e) => e.data.email_verified)).toEqual([true]);
    expect((await eventsOf(staging.id, "authentication.email_verification")).map((e) => e.event)).toEqual([
      "authentication.email_verification_succeeded",
    ]);
    // Used: a second confirm finds no pending code; a verified user gets no new one.
    expectError(
      await api.post(`/user_management/users/${user.id}/email_verification/confirm`, { code }),
      422,
      "one_time_code_expired",
    );
    expectError(await api.post(`/user_management/users/${user.id}/email_verification/send`, {}), 409, "email_already_verified");
  });

  it("a wrong code counts a try and says how many are left; the fifth burns it", async () => {
    const { api, staging } = await stagingApi();
    const user = await unverifiedUser(api);
    const { verification } = await sendCode(api, staging.id, user.id);
    const path = `/user_management/users/${user.id}/email_verification/confirm`;
    for (let i = 1; i <= 5; i++) {
      const r = await api.post(path, { code: otherCode(verification.code) });
      expectError(r, 422, "one_time_code_invalid");
      expect(r.body.tries_left).toBe(5 - i);
    }
    expectError(await api.post(path, { code: verification.code }), 422, "one_time_code_expired");
    expect((await api.get(`/user_management/users/${user.id}`)).body.email_verified).toBe(false);
    // A new code works again.
    const fresh = await sendCode(api, staging.id, user.id);
    expect((await api.post(path, { code: fresh.verification.code })).status).toBe(200);
  });

  it("only the user's newest code counts; an expired one fails", async () => {
    const { api, staging } = await stagingApi();
    const user = await unverifiedUser(api);
    const first = await sendCode(api, staging.id, user.id);
    const second = await sendCode(api, staging.id, user.id);
    const path = `/user_management/users/${user.id}/email_verification/confirm`;
    if (first.verification.code !== second.verification.code)
      expectError(await api.post(path, { code: first.verification.code }), 422, "one_time_code_invalid");
    await sql(
      "UPDATE email_verifications SET expires_at = ? WHERE id = ?",
      new Date(Date.now() - 1000).toISOString(),
      second.verification.id,
    );
    expectError(await api.post(path, { code: second.verification.code }), 422, "one_time_code_expired");
  });

  it("concurrent confirms of one code: one verifies, the others find it used", async () => {
    const { api, staging } = await stagingApi();
    const user = await unverifiedUser(api);
    const { verification } = await sendCode(api, staging.id, user.id);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        api.post(`/user_management/users/${user.id}/email_verification/confirm`, { code: verification.code }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422, 422, 422]);
    expect((await eventsOf(staging.id, "authentication.email_verification_succeeded")).length).toBe(1);
  });

  it("validation and unknown users", async () => {
    const { api } = await stagingApi();
    const user = await unverifiedUser(api);
    const path = `/user_management/users/${user.id}/email_verification/confirm`;
    for (const body of [{}, { code: "12345" }, { code: 123456 }, { code: "123456", extra: true }])
      expectError(await api.post(path, body), 422, "validation_failed");
    expectError(await api.post("/user_management/users/user_nope/email_verification/send", {}), 404, "user_not_found");
    expectError(
      await api.post("/user_management/users/user_nope/email_verification/confirm", { code: "123456" }),
      404,
      "user_not_found",
    );
    expectError(
      await api.get("/user_management/email_verification/email_verification_nope"),
      404,
      "email_verification_not_found",
    );
  });

  it("security: another environment's key sees neither the user nor the code; no key is 401", async () => {
    const { s, team, project, api, staging } = await stagingApi();
    const user = await unverifiedUser(api);
    const { verification } = await sendCode(api, staging.id, user.id);
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    expectError(await other.get(`/user_management/email_verification/${verification.id}`), 404, "email_verification_not_found");
    expectError(await other.post(`/user_management/users/${user.id}/email_verification/send`, {}), 404, "user_not_found");
    expectError(
      await other.post(`/user_management/users/${user.id}/email_verification/confirm`, { code: verification.code }),
      404,
      "user_not_found",
    );
    expectError(await envApi("").get(`/user_management/email_verification/${verification.id}`), 401, "unauthorized");
    expect((await api.get(`/user_management/users/${user.id}`)).body.email_verified).toBe(false);
  });

  it("identities: a bare empty array for a user, 404 for another environment's", async () => {
    const { s, team, project, api } = await stagingApi();
    const user = await unverifiedUser(api);
    const r = await api.get(`/user_management/users/${user.id}/identities`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual([]);
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    expectError(await other.get(`/user_management/users/${user.id}/identities`), 404, "user_not_found");
    expectError(await envApi("").get(`/user_management/users/${user.id}/identities`), 401, "unauthorized");
  });
});

describe("require_email_verification", () => {
  it("is off by default and set through the Platform API's environment update (a team event)", async () => {
    const { s, team, staging } = await stagingApi();
    expect(staging.require_email_verification).toBe(false);
    const path = `/teams/${team.id}/environments/${staging.id}`;
    const on = await s.patch(path, { require_email_verification: true });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ require_email_verification: true, name: staging.name });
    expect((await s.get(path)).body.require_email_verification).toBe(true);
    expectError(await s.patch(path, { require_email_verification: "yes" }), 422, "validation_failed");
    const [event] = await sql<{ data: string }>(
      "SELECT data FROM team_events WHERE team_id = ? AND type = 'environment.updated' ORDER BY id DESC LIMIT 1",
      team.id,
    );
    expect(JSON.parse(event.data)).toMatchObject({ environment_id: staging.id, require_email_verification: true });
  });

  it("off: an unverified user passes; on: refused with a pending token, an email and the verification's id", async () => {
    const { s, team, api, staging } = await stagingApi();
    const user = await unverifiedUser(api);
    const signIn = { clientId: staging.client_id, method: "Password", ip_address: "203.0.113.9" };
    const off = await codeScopeOf(staging.id);
    await refuseUnverifiedEmail(off, await getUser(off.db, staging.id, user.id), signIn);
    await s.patch(`/teams/${team.id}/environments/${staging.id}`, { require_email_verification: true });
    const on = await codeScopeOf(staging.id);
    const refused = await rejection(refuseUnverifiedEmail(on, await getUser(on.db, staging.id, user.id), signIn));
    expect(refused).toMatchObject({
      status: 403,
      code: "email_verification_required",
      details: {
        pending_authentication_token: expect.any(String),
        email: "ada@x.test",
        email_verification_id: expect.stringMatching(/^email_verification_/),
      },
    });
    const token = refused.details?.pending_authentication_token as string;
    await expectNotStored("pending_authentications", token);
    const verification = (await api.get(`/user_management/email_verification/${refused.details?.email_verification_id}`)).body;

    // The grant's rules: the token of this application only, the right code, once.
    const complete = (input: { code: string; clientId?: string; token?: string }) =>
      completePendingAuthentication(on, {
        pending_authentication_token: input.token ?? token,
        code: input.code,
        clientId: input.clientId ?? staging.client_id,
      });
    expect(await rejection(complete({ code: verification.code, clientId: "client_other" }))).toMatchObject({
      code: "one_time_code_expired",
    });
    expect(await rejection(complete({ code: verification.code, token: "forged" }))).toMatchObject({
      code: "one_time_code_expired",
    });
    expect(await rejection(complete({ code: otherCode(verification.code) }))).toMatchObject({ code: "one_time_code_invalid" });
    const done = await complete({ code: verification.code });
    expect(done).toMatchObject({ method: "Password", organizationId: null, user: { id: user.id, emailVerified: true } });
    expect(await rejection(complete({ code: verification.code }))).toMatchObject({ code: "one_time_code_expired" });
    // A verified user passes the gate.
    await refuseUnverifiedEmail(on, await getUser(on.db, staging.id, user.id), signIn);
  });

  it("a pending token of one environment is nothing in another", async () => {
    const { s, team, project, api, staging } = await stagingApi();
    const user = await unverifiedUser(api);
    await s.patch(`/teams/${team.id}/environments/${staging.id}`, { require_email_verification: true });
    const scope = await codeScopeOf(staging.id);
    const refused = await rejection(
      refuseUnverifiedEmail(scope, await getUser(scope.db, staging.id, user.id), {
        clientId: staging.client_id,
        method: "Password",
      }),
    );
    const code = (await api.get(`/user_management/email_verification/${refused.details?.email_verification_id}`)).body.code;
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const elsewhere = await codeScopeOf(sibling.body.id);
    expect(
      await rejection(
        completePendingAuthentication(elsewhere, {
          pending_authentication_token: refused.details?.pending_authentication_token as string,
          code,
          clientId: staging.client_id,
        }),
      ),
    ).toMatchObject({ code: "one_time_code_expired" });
  });
});

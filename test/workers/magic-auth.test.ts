import { describe, expect, it } from "vitest";
import { redeemMagicAuth } from "../../src/services/sign-in/magic-auth";
import { envApi, expectError, mintKey, sql, stagingApi } from "./helpers";
import { codeScopeOf, eventsOf, expectNotStored, otherCode, rejection } from "./sign-in-codes-helpers";

const MINUTE = 60_000;

describe("Magic Auth codes", () => {
  it("creates a six-digit code for 10 minutes, gets it back, emits magic_auth.created without it, and stores no code", async () => {
    const { api, staging } = await stagingApi();
    const user = (await api.post("/user_management/users", { email: "ada@x.test" })).body;
    const before = Date.now();
    const r = await api.post("/user_management/magic_auth", { email: " Ada@X.test " });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      object: "magic_auth",
      id: expect.stringMatching(/^magic_auth_[0-9A-Z]{26}$/),
      user_id: user.id,
      email: "ada@x.test",
      expires_at: expect.any(String),
      code: expect.stringMatching(/^\d{6}$/),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const ttl = Date.parse(r.body.expires_at) - before;
    expect(ttl).toBeGreaterThan(9.9 * MINUTE);
    expect(ttl).toBeLessThanOrEqual(10 * MINUTE + 5_000);
    expect((await api.get(`/user_management/magic_auth/${r.body.id}`)).body).toEqual(r.body);
    const { code, ...withoutCode } = r.body;
    expect(await eventsOf(staging.id, "magic_auth.")).toEqual([{ event: "magic_auth.created", data: withoutCode }]);
    await expectNotStored("magic_auths", code);
    await expectNotStored("events", code);
  });

  it("an email without a user: user_id is null until the code signs them up", async () => {
    const { api } = await stagingApi();
    const r = await api.post("/user_management/magic_auth", { email: "new@x.test" });
    expect(r.status).toBe(201);
    expect(r.body.user_id).toBeNull();
    expect((await api.get("/user_management/users?email=new@x.test")).body.data).toEqual([]);
  });

  it("accepts the fields the SDK sends, refuses unknown ones and bad emails", async () => {
    const { api } = await stagingApi();
    const ok = await api.post("/user_management/magic_auth", {
      email: "a@x.test",
      invitation_token: "tok",
      ip_address: "203.0.113.9",
      user_agent: "Mozilla/5.0",
      signals_id: "s",
      radar_auth_attempt_id: "r",
    });
    expect(ok.status).toBe(201);
    expectError(await api.post("/user_management/magic_auth", {}), 422, "validation_failed");
    expectError(await api.post("/user_management/magic_auth", { email: "not an email" }), 422, "validation_failed");
    expectError(await api.post("/user_management/magic_auth", { email: "a@x.test", extra: 1 }), 422, "validation_failed");
  });

  it("never keeps the answer for idempotent replay: a retried create is a new code", async () => {
    const { api } = await stagingApi();
    const headers = { "Idempotency-Key": "retry-1" };
    const a = await api.post("/user_management/magic_auth", { email: "a@x.test" }, headers);
    const b = await api.post("/user_management/magic_auth", { email: "a@x.test" }, headers);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
    expect(await sql("SELECT * FROM idempotency_keys WHERE key = 'retry-1'")).toEqual([]);
  });

  it("security: no key 401, another environment's key and malformed ids 404", async () => {
    const { s, team, project, api } = await stagingApi();
    const created = (await api.post("/user_management/magic_auth", { email: "a@x.test" })).body;
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    expectError(await other.get(`/user_management/magic_auth/${created.id}`), 404, "magic_auth_not_found");
    expectError(await api.get("/user_management/magic_auth/magic_auth_nope"), 404, "magic_auth_not_found");
    expectError(await envApi("").get(`/user_management/magic_auth/${created.id}`), 401, "unauthorized");
    expectError(await envApi("").post("/user_management/magic_auth", { email: "a@x.test" }), 401, "unauthorized");
  });
});

describe("Magic Auth codes: using one (the grant's rules)", () => {
  it("the right code signs up an unknown email, verified, once (user.created, authentication.magic_auth_succeeded)", async () => {
    const { api, staging } = await stagingApi();
    const m = (await api.post("/user_management/magic_auth", { email: "new@x.test" })).body;
    const scope = await codeScopeOf(staging.id);
    const user = await redeemMagicAuth(scope, { email: "NEW@x.test", code: m.code, ip_address: "203.0.113.9" });
    expect(user).toMatchObject({ email: "new@x.test", emailVerified: true });
    expect((await api.get(`/user_management/magic_auth/${m.id}`)).body.user_id).toBe(user.id);
    expect(await rejection(redeemMagicAuth(scope, { email: "new@x.test", code: m.code }))).toMatchObject({
      status: 422,
      code: "one_time_code_expired",
    });
    expect((await eventsOf(staging.id, "user.created")).map((e) => e.data.id)).toEqual([user.id]);
    const auth = await eventsOf(staging.id, "authentication.magic_auth");
    expect(auth.map((e) => e.event)).toEqual(["authentication.magic_auth_succeeded", "authentication.magic_auth_failed"]);
    expect(auth[0].data).toEqual({
      type: "magic_auth",
      status: "succeeded",
      user_id: null,
      email: "new@x.test",
      ip_address: "203.0.113.9",
      user_agent: null,
    });
    expect(auth[1].data.error.code).toBe("one_time_code_expired");
  });

  it("verifies an existing unverified user (user.updated) and signs them in", async () => {
    const { api, staging } = await stagingApi();
    const created = (await api.post("/user_management/users", { email: "ada@x.test" })).body;
    const m = (await api.post("/user_management/magic_auth", { email: "ada@x.test" })).body;
    const user = await redeemMagicAuth(await codeScopeOf(staging.id), { email: "ada@x.test", code: m.code });
    expect(user).toMatchObject({ id: created.id, emailVerified: true });
    expect((await eventsOf(staging.id, "user.updated")).map((e) => e.data.email_verified)).toEqual([true]);
  });

  it("a wrong code counts a try; the fifth burns the code, and the right one fails after", async () => {
    const { api, staging } = await stagingApi();
    const m = (await api.post("/user_management/magic_auth", { email: "a@x.test" })).body;
    const scope = await codeScopeOf(staging.id);
    for (let i = 1; i <= 5; i++) {
      const r = await rejection(redeemMagicAuth(scope, { email: "a@x.test", code: otherCode(m.code) }));
      expect(r).toMatchObject({ status: 422, code: "one_time_code_invalid", details: { tries_left: 5 - i } });
    }
    expect(await rejection(redeemMagicAuth(scope, { email: "a@x.test", code: m.code }))).toMatchObject({
      code: "one_time_code_expired",
    });
    expect(await sql("SELECT failed_attempts, used_at FROM magic_auths WHERE id = ?", m.id)).toEqual([
      { failed_attempts: 5, used_at: null },
    ]);
    expect((await eventsOf(staging.id, "authentication.magic_auth_failed")).length).toBe(6);
  });

  it("only the email's newest code counts; an expired code fails; another environment's code fails", async () => {
    const { s, team, project, api, staging } = await stagingApi();
    const first = (await api.post("/user_management/magic_auth", { email: "a@x.test" })).body;
    const second = (await api.post("/user_management/magic_auth", { email: "a@x.test" })).body;
    const scope = await codeScopeOf(staging.id);
    if (first.code !== second.code)
      expect(await rejection(redeemMagicAuth(scope, { email: "a@x.test", code: first.code }))).toMatchObject({
        code: "one_time_code_invalid",
      });
    await sql("UPDATE magic_auths SET expires_at = ? WHERE id = ?", new Date(Date.now() - 1000).toISOString(), second.id);
    expect(await rejection(redeemMagicAuth(scope, { email: "a@x.test", code: second.code }))).toMatchObject({
      code: "one_time_code_expired",
    });
    // The same email in a sibling environment: its code is not this environment's.
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    const foreign = (await other.post("/user_management/magic_auth", { email: "b@x.test" })).body;
    expect(await rejection(redeemMagicAuth(scope, { email: "b@x.test", code: foreign.code }))).toMatchObject({
      code: "one_time_code_expired",
    });
    expect((await other.get("/user_management/users?email=b@x.test")).body.data).toEqual([]);
  });

  it("two concurrent uses of one code: one signs in", async () => {
    const { api, staging } = await stagingApi();
    const m = (await api.post("/user_management/magic_auth", { email: "race@x.test" })).body;
    const scope = await codeScopeOf(staging.id);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => redeemMagicAuth(scope, { email: "race@x.test", code: m.code })),
    );
    expect(results.filter((r) => r.status === "fulfilled").length).toBe(1);
    expect(await sql("SELECT count(*) AS n FROM users WHERE email = 'race@x.test'")).toEqual([{ n: 1 }]);
  });
});

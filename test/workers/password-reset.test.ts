import { describe, expect, it } from "vitest";
import { envApi, expectError, mintKey, sql, stagingApi } from "./helpers";
import { eventsOf, expectNotStored } from "./sign-in-codes-helpers";

describe("password resets of an environment's users", () => {
  it("creates a token shown once (stored hashed), with a URL; GET and the event carry neither", async () => {
    const { api, staging } = await stagingApi();
    const user = (await api.post("/user_management/users", { email: "ada@x.test" })).body;
    const before = Date.now();
    const r = await api.post("/user_management/password_reset", { email: "ADA@x.test" });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      object: "password_reset",
      id: expect.stringMatching(/^password_reset_[0-9A-Z]{26}$/),
      user_id: user.id,
      email: "ada@x.test",
      password_reset_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      password_reset_url: `http://control-plane.test/user_management/${staging.client_id}/reset_password?token=${r.body.password_reset_token}`,
      expires_at: expect.any(String),
      created_at: expect.any(String),
    });
    expect(Math.abs(Date.parse(r.body.expires_at) - before - 30 * 60_000)).toBeLessThan(10_000);
    const { password_reset_token: token, password_reset_url, ...shown } = r.body;
    expect((await api.get(`/user_management/password_reset/${r.body.id}`)).body).toEqual(shown);
    expect(await eventsOf(staging.id, "password_reset.")).toEqual([{ event: "password_reset.created", data: shown }]);
    await expectNotStored("user_password_resets", token);
    await expectNotStored("events", token);
  });

  it("confirm sets the password, verifies the email, uses up every reset token of the user, and says so", async () => {
    const { api, staging } = await stagingApi();
    const user = (await api.post("/user_management/users", { email: "ada@x.test", password: "the old passphrase" })).body;
    const first = (await api.post("/user_management/password_reset", { email: "ada@x.test" })).body;
    const second = (await api.post("/user_management/password_reset", { email: "ada@x.test" })).body;
    const [{ password_hash: oldHash }] = await sql<{ password_hash: string }>(
      "SELECT password_hash FROM users WHERE id = ?",
      user.id,
    );
    const r = await api.post("/user_management/password_reset/confirm", {
      token: second.password_reset_token,
      new_password: "a brand new passphrase",
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ user: { ...user, email_verified: true, updated_at: expect.any(String) } });
    const [{ password_hash: newHash }] = await sql<{ password_hash: string }>(
      "SELECT password_hash FROM users WHERE id = ?",
      user.id,
    );
    expect(newHash).not.toBe(oldHash);
    for (const t of [second, first])
      expectError(
        await api.post("/user_management/password_reset/confirm", {
          token: t.password_reset_token,
          new_password: "yet another one",
        }),
        422,
        "password_reset_token_invalid",
      );
    expect((await eventsOf(staging.id, "password_reset.")).map((e) => e.event)).toEqual([
      "password_reset.created",
      "password_reset.created",
      "password_reset.succeeded",
    ]);
    expect((await eventsOf(staging.id, "user.updated")).map((e) => e.data.email_verified)).toEqual([true]);
  });

  it("an expired or unknown token is refused; two concurrent uses of one token: one succeeds", async () => {
    const { api } = await stagingApi();
    await api.post("/user_management/users", { email: "ada@x.test" });
    const expired = (await api.post("/user_management/password_reset", { email: "ada@x.test" })).body;
    await sql(
      "UPDATE user_password_resets SET expires_at = ? WHERE id = ?",
      new Date(Date.now() - 1000).toISOString(),
      expired.id,
    );
    expectError(
      await api.post("/user_management/password_reset/confirm", {
        token: expired.password_reset_token,
        new_password: "passphrase!",
      }),
      422,
      "password_reset_token_invalid",
    );
    expectError(
      await api.post("/user_management/password_reset/confirm", { token: "forged", new_password: "passphrase!" }),
      422,
      "password_reset_token_invalid",
    );
    const live = (await api.post("/user_management/password_reset", { email: "ada@x.test" })).body;
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        api.post("/user_management/password_reset/confirm", {
          token: live.password_reset_token,
          new_password: `passphrase ${i}!`,
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422, 422, 422]);
  });

  it("validation, unknown emails and ids; another environment's key; no key", async () => {
    const { s, team, project, api } = await stagingApi();
    await api.post("/user_management/users", { email: "ada@x.test" });
    expectError(await api.post("/user_management/password_reset", { email: "nobody@x.test" }), 404, "user_not_found");
    expectError(await api.post("/user_management/password_reset", {}), 422, "validation_failed");
    const reset = (await api.post("/user_management/password_reset", { email: "ada@x.test" })).body;
    for (const body of [{ token: reset.password_reset_token, new_password: "short" }, { token: reset.password_reset_token }, {}])
      expectError(await api.post("/user_management/password_reset/confirm", body), 422, "validation_failed");
    expectError(await api.get("/user_management/password_reset/password_reset_nope"), 404, "password_reset_not_found");
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    expectError(await other.get(`/user_management/password_reset/${reset.id}`), 404, "password_reset_not_found");
    expectError(await other.post("/user_management/password_reset", { email: "ada@x.test" }), 404, "user_not_found");
    expectError(await envApi("").post("/user_management/password_reset", { email: "ada@x.test" }), 401, "unauthorized");
  });

  it("never keeps the answer for idempotent replay", async () => {
    const { api } = await stagingApi();
    await api.post("/user_management/users", { email: "ada@x.test" });
    const a = await api.post("/user_management/password_reset", { email: "ada@x.test" }, { "Idempotency-Key": "pr-1" });
    const b = await api.post("/user_management/password_reset", { email: "ada@x.test" }, { "Idempotency-Key": "pr-1" });
    expect(a.body.id).not.toBe(b.body.id);
    expect(await sql("SELECT * FROM idempotency_keys WHERE key = 'pr-1'")).toEqual([]);
  });
});

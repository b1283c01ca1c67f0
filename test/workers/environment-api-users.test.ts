import { describe, expect, it } from "vitest";
import { envApi, expectError, mintKey, sql, stagingApi } from "./helpers";
import type { User } from "./types";

describe("users", () => {
  it("creates, gets, lists, updates and deletes, with WorkOS's shapes and events", async () => {
    const { api, staging } = await stagingApi();
    const created = await api.post("/user_management/users", {
      email: "Ada@Example.com",
      first_name: "Ada",
      last_name: "Lovelace",
      password: "correct horse battery",
      email_verified: true,
      external_id: "u-1",
      metadata: { plan: "pro" },
    });
    expect(created.status).toBe(201);
    const user = created.body;
    expect(user).toMatchObject({
      object: "user",
      email: "ada@example.com",
      email_verified: true,
      name: "Ada Lovelace",
      first_name: "Ada",
      last_name: "Lovelace",
      profile_picture_url: null,
      last_sign_in_at: null,
      locale: null,
      external_id: "u-1",
      metadata: { plan: "pro" },
    });
    expect(user.id).toMatch(/^user_[0-9A-Z]{26}$/);
    expect(user).not.toHaveProperty("password");
    expect(user).not.toHaveProperty("password_hash");
    const [{ password_hash }] = await sql<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = ?", user.id);
    expect(password_hash).toMatch(/^pbkdf2_sha256\$100000\$[0-9a-f]{32}\$[0-9a-f]{64}$/);

    expect((await api.get(`/user_management/users/${user.id}`)).body).toEqual(user);
    expect((await api.get(`/user_management/users/external_id/u-1`)).body.id).toBe(user.id);
    expect((await api.get(`/user_management/users?email=ADA@example.com`)).body.data.map((u: User) => u.id)).toEqual([user.id]);

    const updated = await api.put(`/user_management/users/${user.id}`, {
      email: "ada@lovelace.dev",
      locale: "en-GB",
      metadata: { plan: null, team: "x" },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      email: "ada@lovelace.dev",
      email_verified: false,
      locale: "en-GB",
      metadata: { team: "x" },
      first_name: "Ada",
    });
    expect((await api.put(`/user_management/users/${user.id}`, { first_name: null })).body.name).toBe("Lovelace");

    expect((await api.del(`/user_management/users/${user.id}`)).status).toBe(204);
    expectError(await api.get(`/user_management/users/${user.id}`), 404, "user_not_found");
    const events = await sql<{ event: string }>("SELECT event FROM events WHERE environment_id = ? ORDER BY id", staging.id);
    expect(events.map((e) => e.event)).toEqual(["user.created", "user.updated", "user.updated", "user.deleted"]);
  });

  it("lists by organization, newest first", async () => {
    const { api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "O" })).body;
    const a = (await api.post("/user_management/users", { email: "a@x.test" })).body;
    const b = (await api.post("/user_management/users", { email: "b@x.test" })).body;
    await api.post("/user_management/organization_memberships", { organization_id: org.id, user_id: a.id });
    expect((await api.get("/user_management/users")).body.data.map((u: User) => u.id)).toEqual([b.id, a.id]);
    expect((await api.get(`/user_management/users?organization_id=${org.id}`)).body.data.map((u: User) => u.id)).toEqual([a.id]);
  });

  it("422 for bad input, naming the field", async () => {
    const { api } = await stagingApi();
    const cases: [unknown, string, string][] = [
      [{}, "email", "required"],
      [{ email: "not-an-email" }, "email", "invalid_format"],
      [{ email: `${"a".repeat(320)}@x.test` }, "email", "too_long"],
      [{ email: "a@x.test", first_name: "x".repeat(101) }, "first_name", "too_long"],
      [{ email: "a@x.test", password: "short" }, "password", "too_short"],
      [
        { email: "a@x.test", password: "long enough pass", password_hash: "$2b$10$x", password_hash_type: "bcrypt" },
        "password_hash",
        "invalid",
      ],
      [{ email: "a@x.test", password_hash: "$2b$10$x" }, "password_hash_type", "invalid"],
      [{ email: "a@x.test", password_hash: "x", password_hash_type: "md5" }, "password_hash_type", "invalid_value"],
      [{ email: "a@x.test", email_verified: "yes" }, "email_verified", "invalid_type"],
      [{ email: "a@x.test", locale: "not a locale" }, "locale", "invalid_format"],
      [{ email: "a@x.test", ip_address: "1.2.3.4" }, "ip_address", "unknown_field"],
    ];
    for (const [body, field, code] of cases) {
      const r = await api.post("/user_management/users", body);
      expectError(r, 422, "validation_failed");
      expect(r.body.errors).toContainEqual(expect.objectContaining({ field, code }));
    }
    expect((await api.get("/user_management/users")).body.data).toEqual([]);
    expectError(await api.get("/user_management/users?organization_id=nope"), 400, "invalid_parameters");
  });

  it("409 email_not_available (case-insensitive) and external_id_taken", async () => {
    const { api } = await stagingApi();
    const a = (await api.post("/user_management/users", { email: "a@x.test", external_id: "ext" })).body;
    const b = (await api.post("/user_management/users", { email: "b@x.test" })).body;
    const dup = await api.post("/user_management/users", { email: "A@X.test" });
    expectError(dup, 409, "email_not_available");
    expect(dup.body.errors).toEqual([expect.objectContaining({ field: "email", code: "taken" })]);
    expectError(await api.put(`/user_management/users/${b.id}`, { email: "a@x.test" }), 409, "email_not_available");
    expectError(await api.post("/user_management/users", { email: "c@x.test", external_id: "ext" }), 409, "external_id_taken");
    expectError(await api.put(`/user_management/users/${b.id}`, { external_id: "ext" }), 409, "external_id_taken");
    expect((await api.put(`/user_management/users/${a.id}`, { email: "a@x.test", external_id: "ext" })).status).toBe(200);
  });

  it("concurrent creates with one email: one 201, the others 409, never a 5xx", async () => {
    const { api } = await stagingApi();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => api.post("/user_management/users", { email: "race@x.test" })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === "email_not_available")).toBe(true);
  });

  it("isolation: another environment's key gets 404 for the user and the same email is free there", async () => {
    const { s, team, project, api } = await stagingApi();
    const user = (await api.post("/user_management/users", { email: "a@x.test" })).body;
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    expectError(await other.get(`/user_management/users/${user.id}`), 404, "user_not_found");
    expectError(await other.put(`/user_management/users/${user.id}`, { first_name: "X" }), 404, "user_not_found");
    expectError(await other.del(`/user_management/users/${user.id}`), 404, "user_not_found");
    expect((await other.post("/user_management/users", { email: "a@x.test" })).status).toBe(201);
    expect((await api.get(`/user_management/users/${user.id}`)).body.first_name).toBeNull();
  });
});

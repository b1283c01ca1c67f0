import { describe, expect, it } from "vitest";
import { envApi, expectError, mintKey, sql, stagingApi } from "./helpers";
import { eventsOf, expectNotStored } from "./sign-in-codes-helpers";

const DAY = 86_400_000;

describe("invitations of an environment's users", () => {
  it("sends one with the SDK's shape and a token (stored hashed), finds it by id and by token, and lists it", async () => {
    const { api, staging } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Org" })).body;
    const inviter = (await api.post("/user_management/users", { email: "boss@x.test" })).body;
    const before = Date.now();
    const r = await api.post("/user_management/invitations", {
      email: "New@X.test",
      organization_id: org.id,
      inviter_user_id: inviter.id,
      role_slug: "admin",
      expires_in_days: 3,
      locale: "en-GB",
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      object: "invitation",
      id: expect.stringMatching(/^invitation_[0-9A-Z]{26}$/),
      email: "new@x.test",
      state: "pending",
      accepted_at: null,
      revoked_at: null,
      expires_at: expect.any(String),
      organization_id: org.id,
      inviter_user_id: inviter.id,
      accepted_user_id: null,
      role_slug: "admin",
      token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      accept_invitation_url: `http://control-plane.test/user_management/${staging.client_id}/accept_invitation?invitation_token=${r.body.token}`,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(Math.abs(Date.parse(r.body.expires_at) - before - 3 * DAY)).toBeLessThan(10_000);
    const inv = r.body;
    expect((await api.get(`/user_management/invitations/${inv.id}`)).body).toEqual(inv);
    expect((await api.get(`/user_management/invitations/by_token/${inv.token}`)).body).toEqual(inv);
    await expectNotStored("user_invitations", inv.token);
    const { token, accept_invitation_url, ...withoutToken } = inv;
    expect(await eventsOf(staging.id, "invitation.")).toEqual([{ event: "invitation.created", data: withoutToken }]);
    await expectNotStored("events", inv.token);

    const other = (await api.post("/user_management/invitations", { email: "solo@x.test" })).body;
    expect(other).toMatchObject({ organization_id: null, role_slug: null, inviter_user_id: null });
    expect(Math.abs(Date.parse(other.expires_at) - Date.now() - 7 * DAY)).toBeLessThan(10_000);
    const ids = async (q: string) => (await api.get(`/user_management/invitations${q}`)).body.data.map((i: any) => i.id);
    expect(await ids("")).toEqual([other.id, inv.id]);
    expect(await ids("?order=asc")).toEqual([inv.id, other.id]);
    expect(await ids(`?organization_id=${org.id}`)).toEqual([inv.id]);
    expect(await ids("?email=SOLO@x.test")).toEqual([other.id]);
    const page = (await api.get("/user_management/invitations?limit=1")).body;
    expect(page.data.map((i: any) => i.id)).toEqual([other.id]);
    expect((await api.get(`/user_management/invitations?limit=1&after=${page.list_metadata.after}`)).body.data[0].id).toBe(
      inv.id,
    );
    expectError(await api.get("/user_management/invitations?state=pending"), 400, "invalid_parameters");
  });

  it("accepting makes the user (unverified) and the membership with its role; then it is accepted for good", async () => {
    const { api, staging } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Org" })).body;
    const inv = (
      await api.post("/user_management/invitations", { email: "new@x.test", organization_id: org.id, role_slug: "admin" })
    ).body;
    const r = await api.post(`/user_management/invitations/${inv.id}/accept`);
    expect(r.status).toBe(200);
    const user = (await api.get("/user_management/users?email=new@x.test")).body.data[0];
    expect(user).toMatchObject({ email: "new@x.test", email_verified: false });
    expect(r.body).toMatchObject({ state: "accepted", accepted_user_id: user.id, accepted_at: expect.any(String) });
    const memberships = (await api.get(`/user_management/organization_memberships?user_id=${user.id}`)).body.data;
    expect(memberships).toMatchObject([{ organization_id: org.id, role: { slug: "admin" }, status: "active" }]);
    expect((await eventsOf(staging.id, "invitation.")).map((e) => e.event)).toEqual([
      "invitation.created",
      "invitation.accepted",
    ]);
    expect((await eventsOf(staging.id, "organization_membership.created")).length).toBe(1);
    for (const action of ["accept", "revoke", "resend"]) {
      const again = await api.post(`/user_management/invitations/${inv.id}/${action}`, action === "resend" ? {} : undefined);
      expectError(again, 409, "invitation_not_pending");
      expect(again.body.state).toBe("accepted");
    }
  });

  it("an existing user accepts into the organization; an environment invitation needs no user yet", async () => {
    const { api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Org" })).body;
    const ada = (await api.post("/user_management/users", { email: "ada@x.test", email_verified: true })).body;
    const inv = (await api.post("/user_management/invitations", { email: "ada@x.test", organization_id: org.id })).body;
    expect((await api.post(`/user_management/invitations/${inv.id}/accept`)).body.accepted_user_id).toBe(ada.id);
    expect((await api.get(`/user_management/organization_memberships?user_id=${ada.id}`)).body.data).toHaveLength(1);
    expect((await api.get(`/user_management/users/${ada.id}`)).body.email_verified).toBe(true);
    const solo = (await api.post("/user_management/invitations", { email: "solo@x.test" })).body;
    const accepted = (await api.post(`/user_management/invitations/${solo.id}/accept`)).body;
    expect(accepted.accepted_user_id).toMatch(/^user_/);
    expect((await api.get(`/user_management/organization_memberships?user_id=${accepted.accepted_user_id}`)).body.data).toEqual(
      [],
    );
  });

  it("revoke and resend: events, and a revoked or expired invitation changes no more", async () => {
    const { api, staging } = await stagingApi();
    const inv = (await api.post("/user_management/invitations", { email: "a@x.test" })).body;
    const resent = await api.post(`/user_management/invitations/${inv.id}/resend`, { locale: "fr" });
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ id: inv.id, state: "pending", token: inv.token });
    const revoked = await api.post(`/user_management/invitations/${inv.id}/revoke`);
    expect(revoked.body).toMatchObject({ state: "revoked", revoked_at: expect.any(String) });
    expectError(await api.post(`/user_management/invitations/${inv.id}/accept`), 409, "invitation_not_pending");
    expect((await eventsOf(staging.id, "invitation.")).map((e) => e.event)).toEqual([
      "invitation.created",
      "invitation.resent",
      "invitation.revoked",
    ]);
    // A pending invitation past its expiry reads as expired, refuses changes, and no longer blocks a new one.
    const old = (await api.post("/user_management/invitations", { email: "b@x.test" })).body;
    await sql("UPDATE user_invitations SET expires_at = ? WHERE id = ?", new Date(Date.now() - 1000).toISOString(), old.id);
    expect((await api.get(`/user_management/invitations/${old.id}`)).body.state).toBe("expired");
    expectError(await api.post(`/user_management/invitations/${old.id}/accept`), 409, "invitation_not_pending");
    expect((await api.post("/user_management/invitations", { email: "b@x.test" })).status).toBe(201);
    expect((await api.get(`/user_management/invitations/${old.id}`)).body.state).toBe("expired");
    expect((await api.get("/user_management/users?email=b@x.test")).body.data).toEqual([]);
  });

  it("refuses a second pending invitation, an existing user without an organization, a member, and unknown ids", async () => {
    const { api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Org" })).body;
    await api.post("/user_management/invitations", { email: "a@x.test", organization_id: org.id });
    expectError(
      await api.post("/user_management/invitations", { email: "A@x.test", organization_id: org.id }),
      409,
      "invitation_already_pending",
    );
    // Another organization (or none) is another invitation.
    expect((await api.post("/user_management/invitations", { email: "a@x.test" })).status).toBe(201);
    const ada = (await api.post("/user_management/users", { email: "ada@x.test" })).body;
    expectError(await api.post("/user_management/invitations", { email: "ada@x.test" }), 409, "email_not_available");
    await api.post("/user_management/organization_memberships", { organization_id: org.id, user_id: ada.id });
    expectError(
      await api.post("/user_management/invitations", { email: "ada@x.test", organization_id: org.id }),
      409,
      "organization_membership_already_exists",
    );
    const bad = await api.post("/user_management/invitations", {
      email: "b@x.test",
      organization_id: "org_01ARZ3NDEKTSV4RRFFQ69G5FAV",
      inviter_user_id: "user_01ARZ3NDEKTSV4RRFFQ69G5FAV",
    });
    expectError(bad, 422, "validation_failed");
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(["organization_id", "inviter_user_id"]);
    for (const body of [
      { email: "b@x.test", role_slug: "admin" },
      { email: "b@x.test", expires_in_days: 0 },
      { email: "b@x.test", expires_in_days: 31 },
      { email: "not an email" },
      { email: "b@x.test", extra: 1 },
    ])
      expectError(await api.post("/user_management/invitations", body), 422, "validation_failed");
    expectError(await api.get("/user_management/invitations/invitation_nope"), 404, "invitation_not_found");
    expectError(await api.get("/user_management/invitations/by_token/nope"), 404, "invitation_not_found");
  });

  it("concurrent accepts: one accepts, the others are 409; one user, one membership", async () => {
    const { api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Org" })).body;
    const inv = (await api.post("/user_management/invitations", { email: "race@x.test", organization_id: org.id })).body;
    const answers = await Promise.all(Array.from({ length: 4 }, () => api.post(`/user_management/invitations/${inv.id}/accept`)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
    expect(await sql("SELECT count(*) AS n FROM users WHERE email = 'race@x.test'")).toEqual([{ n: 1 }]);
    expect(await sql("SELECT count(*) AS n FROM organization_memberships WHERE organization_id = ?", org.id)).toEqual([{ n: 1 }]);
  });

  it("security: another environment's key finds neither the invitation nor its token; no key is 401", async () => {
    const { s, team, project, api } = await stagingApi();
    const inv = (await api.post("/user_management/invitations", { email: "a@x.test" })).body;
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    expectError(await other.get(`/user_management/invitations/${inv.id}`), 404, "invitation_not_found");
    expectError(await other.get(`/user_management/invitations/by_token/${inv.token}`), 404, "invitation_not_found");
    expectError(await other.post(`/user_management/invitations/${inv.id}/accept`), 404, "invitation_not_found");
    expectError(await other.post(`/user_management/invitations/${inv.id}/revoke`), 404, "invitation_not_found");
    expect((await other.get("/user_management/invitations")).body.data).toEqual([]);
    expectError(await envApi("").get("/user_management/invitations"), 401, "unauthorized");
    expect((await api.get(`/user_management/invitations/${inv.id}`)).body.state).toBe("pending");
  });
});

import { describe, expect, it } from "vitest";
import { envApi, expectError, mintKey, sql, stagingApi } from "./helpers";
import type { FieldError, OrganizationMembership } from "./types";

async function orgAndUser(api: Awaited<ReturnType<typeof stagingApi>>["api"]) {
  const org = (await api.post("/organizations", { name: "Org" })).body;
  const user = (await api.post("/user_management/users", { email: `u${Math.random()}@x.test` })).body;
  return { org, user };
}

describe("organization memberships", () => {
  it("creates, gets, lists, changes the role and deletes, with WorkOS's shapes and events", async () => {
    const { api, staging } = await stagingApi();
    const { org, user } = await orgAndUser(api);
    const created = await api.post("/user_management/organization_memberships", { organization_id: org.id, user_id: user.id });
    expect(created.status).toBe(201);
    const m = created.body;
    expect(m).toMatchObject({
      object: "organization_membership",
      organization_id: org.id,
      organization_name: "Org",
      user_id: user.id,
      status: "active",
      role: { slug: "member" },
    });
    expect(m.id).toMatch(/^om_[0-9A-Z]{26}$/);
    expect((await api.get(`/user_management/organization_memberships/${m.id}`)).body).toEqual(m);
    for (const q of [`user_id=${user.id}`, `organization_id=${org.id}`, "statuses=active,pending", ""])
      expect(
        (await api.get(`/user_management/organization_memberships?${q}`)).body.data.map((x: OrganizationMembership) => x.id),
      ).toEqual([m.id]);
    expect((await api.get("/user_management/organization_memberships?statuses=inactive")).body.data).toEqual([]);
    expect((await api.put(`/user_management/organization_memberships/${m.id}`, { role_slug: "admin" })).body.role).toEqual({
      slug: "admin",
    });
    expect((await api.del(`/user_management/organization_memberships/${m.id}`)).status).toBe(204);
    expectError(await api.get(`/user_management/organization_memberships/${m.id}`), 404, "organization_membership_not_found");
    const events = await sql<{ event: string; organization_id: string }>(
      "SELECT event, organization_id FROM events WHERE environment_id = ? AND event LIKE 'organization_membership.%' ORDER BY id",
      staging.id,
    );
    expect(events).toEqual([
      { event: "organization_membership.created", organization_id: org.id },
      { event: "organization_membership.updated", organization_id: org.id },
      { event: "organization_membership.deleted", organization_id: org.id },
    ]);
  });

  it("422 for unknown or another environment's organization and user ids, naming both; 409 for a second membership", async () => {
    const { s, team, project, api } = await stagingApi();
    const { org, user } = await orgAndUser(api);
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    const r = await other.post("/user_management/organization_memberships", { organization_id: org.id, user_id: user.id });
    expectError(r, 422, "validation_failed");
    expect(r.body.errors.map((e: FieldError) => [e.field, e.code])).toEqual([
      ["organization_id", "not_found"],
      ["user_id", "not_found"],
    ]);
    const bad = await api.post("/user_management/organization_memberships", {
      organization_id: "org_x",
      user_id: user.id,
      role_slug: "Not A Slug",
    });
    expectError(bad, 422, "validation_failed");
    expect(bad.body.errors.map((e: FieldError) => e.field).sort()).toEqual(["organization_id", "role_slug"]);
    expect(
      (await api.post("/user_management/organization_memberships", { organization_id: org.id, user_id: user.id })).status,
    ).toBe(201);
    expectError(
      await api.post("/user_management/organization_memberships", { organization_id: org.id, user_id: user.id }),
      409,
      "organization_membership_already_exists",
    );
    expectError(await api.get("/user_management/organization_memberships?statuses=sleeping"), 400, "invalid_parameters");
  });

  it("disappear with their user or organization; another environment's key gets 404", async () => {
    const { s, team, project, api } = await stagingApi();
    const { org, user } = await orgAndUser(api);
    const m = (await api.post("/user_management/organization_memberships", { organization_id: org.id, user_id: user.id })).body;
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    expectError(await other.get(`/user_management/organization_memberships/${m.id}`), 404, "organization_membership_not_found");
    expectError(await other.del(`/user_management/organization_memberships/${m.id}`), 404, "organization_membership_not_found");
    expect((await other.get("/user_management/organization_memberships")).body.data).toEqual([]);
    await api.del(`/user_management/users/${user.id}`);
    expect((await api.get(`/user_management/organization_memberships?organization_id=${org.id}`)).body.data).toEqual([]);
  });
});

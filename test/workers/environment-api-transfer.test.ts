import { describe, expect, it } from "vitest";
import { stagingApi } from "./helpers";
import type { Application } from "./types";

/** Everything the environment API shows, to compare before and after. */
async function snapshot(api: Awaited<ReturnType<typeof stagingApi>>["api"]) {
  const paths = [
    "/organizations",
    "/user_management/users",
    "/user_management/organization_memberships",
    "/connections",
    "/webhook_endpoints",
    "/events",
  ];
  const out: Record<string, unknown> = {};
  for (const p of paths) {
    const r = await api.get(`${p}?limit=100`);
    expect(r.status).toBe(200);
    out[p] = r.body.data;
  }
  return out;
}

describe("a transferred environment keeps everything, and its key keeps working", () => {
  it("organizations, users, memberships, connections, endpoints, events, applications and client ids are all there, unchanged", async () => {
    const { s, team, project, staging, api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Org", domain_data: [{ domain: "org.test", state: "verified" }] }))
      .body;
    const user = (await api.post("/user_management/users", { email: "u@org.test" })).body;
    await api.post("/user_management/organization_memberships", { organization_id: org.id, user_id: user.id });
    await s.post(`/teams/${team.id}/environments/${staging.id}/connections`, {
      organization_id: org.id,
      connection_type: "OktaSAML",
      name: "Okta",
    });
    await api.post("/webhook_endpoints", { endpoint_url: "https://hooks.acme.test/h", events: ["user.deleted"] });
    const app = (
      await s.post(`/teams/${team.id}/environments/${staging.id}/applications`, {
        name: "Web",
        type: "web",
        redirect_uris: ["https://a.test/cb"],
      })
    ).body;
    const before = await snapshot(api);
    const appsBefore = (await s.get(`/teams/${team.id}/environments/${staging.id}/applications`)).body.data;
    expect(Object.values(before).every((list) => (list as unknown[]).length > 0)).toBe(true);

    const moved = await s.post(`/teams/${team.id}/projects`, {
      name: "Moved",
      transfer: { source_project_id: project.id, environment_ids: [staging.id], acknowledge: true },
    });
    expect(moved.status).toBe(201);
    expect(moved.body.environments[0]).toMatchObject({ id: staging.id, project_id: moved.body.id, client_id: staging.client_id });

    // The same key, the same answers.
    expect(await snapshot(api)).toEqual(before);
    expect((await s.get(`/teams/${team.id}/environments/${staging.id}/applications`)).body.data).toEqual(appsBefore);
    expect(appsBefore.map((a: Application) => a.client_id)).toContain(app.client_id);
    // And it keeps working: writes still land in the environment, with their events.
    expect((await api.del(`/user_management/users/${user.id}`)).status).toBe(204);
    expect((await api.get("/events?events=user.deleted")).body.data).toHaveLength(1);
  });
});

import { describe, expect, it } from "vitest";
import { call, envApi, expectError, mintKey, OTHER_CLIENT, session, sql, stagingApi } from "./helpers";
import type { Connection, FieldError } from "./types";

describe("SSO connections", () => {
  it("are created through the Platform API for an organization, then listed, read and deleted through the environment API", async () => {
    const { s, team, staging, api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Org", domain_data: [{ domain: "org.test", state: "verified" }] }))
      .body;
    const created = await s.post(`/teams/${team.id}/environments/${staging.id}/connections`, {
      organization_id: org.id,
      connection_type: "OktaSAML",
      name: "Okta",
    });
    expect(created.status).toBe(201);
    const conn = created.body;
    expect(conn).toMatchObject({
      object: "connection",
      organization_id: org.id,
      connection_type: "OktaSAML",
      name: "Okta",
      state: "active",
      domains: [{ object: "connection_domain", id: org.domains[0].id, domain: "org.test" }],
    });
    expect(conn.id).toMatch(/^conn_[0-9A-Z]{26}$/);
    expect((await api.get(`/connections/${conn.id}`)).body).toEqual(conn);
    for (const q of ["", `organization_id=${org.id}`, "connection_type=OktaSAML", "domain=ORG.test"])
      expect((await api.get(`/connections?${q}`)).body.data.map((c: Connection) => c.id)).toEqual([conn.id]);
    for (const q of ["connection_type=GenericSAML", "domain=other.test"])
      expect((await api.get(`/connections?${q}`)).body.data).toEqual([]);
    expect((await api.del(`/connections/${conn.id}`)).status).toBe(204);
    expectError(await api.get(`/connections/${conn.id}`), 404, "connection_not_found");
    const events = await sql<{ event: string }>(
      "SELECT event FROM events WHERE environment_id = ? AND event LIKE 'connection.%' ORDER BY id",
      staging.id,
    );
    expect(events.map((e) => e.event)).toEqual(["connection.activated", "connection.deleted"]);
  });

  it("deleting the organization deletes its connections, with a connection.deleted event each", async () => {
    const { s, team, staging, api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Org" })).body;
    const conn = (
      await s.post(`/teams/${team.id}/environments/${staging.id}/connections`, {
        organization_id: org.id,
        connection_type: "GenericOIDC",
        name: "OIDC",
      })
    ).body;
    await api.del(`/organizations/${org.id}`);
    expectError(await api.get(`/connections/${conn.id}`), 404, "connection_not_found");
    const deleted = await sql<{ data: string }>(
      "SELECT data FROM events WHERE environment_id = ? AND event = 'connection.deleted'",
      staging.id,
    );
    expect(JSON.parse(deleted[0].data).id).toBe(conn.id);
  });

  it("Platform API: 422 for an unknown or another environment's organization and a bad type; 404 for another team", async () => {
    const { s, team, staging, production, api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Org" })).body;
    const path = `/teams/${team.id}/environments/${production.id}/connections`;
    const elsewhere = await s.post(path, { organization_id: org.id, connection_type: "OktaSAML", name: "x" });
    expectError(elsewhere, 422, "validation_failed");
    expect(elsewhere.body.errors).toEqual([expect.objectContaining({ field: "organization_id", code: "not_found" })]);
    const bad = await s.post(`/teams/${team.id}/environments/${staging.id}/connections`, {
      organization_id: "org_1",
      connection_type: "Carrier pigeon",
      name: "",
    });
    expectError(bad, 422, "validation_failed");
    expect(bad.body.errors.map((e: FieldError) => e.field).sort()).toEqual(["connection_type", "name", "organization_id"]);
    expectError(
      await call("POST", `/platform/teams/${team.id}/environments/${staging.id}/connections`, {
        body: { organization_id: org.id, connection_type: "OktaSAML", name: "x" },
      }),
      401,
      "unauthorized",
    );
    const other = await session(OTHER_CLIENT);
    expectError(
      await other.post(`/teams/${team.id}/environments/${staging.id}/connections`, {
        organization_id: org.id,
        connection_type: "OktaSAML",
        name: "x",
      }),
      404,
      "team_not_found",
    );
    const otherTeam = await stagingApi("Other");
    expectError(
      await s.post(`/teams/${team.id}/environments/${otherTeam.staging.id}/connections`, {
        organization_id: org.id,
        connection_type: "OktaSAML",
        name: "x",
      }),
      404,
      "environment_not_found",
    );
  });

  it("isolation: another environment's key gets 404", async () => {
    const { s, team, project, staging, api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Org" })).body;
    const conn = (
      await s.post(`/teams/${team.id}/environments/${staging.id}/connections`, {
        organization_id: org.id,
        connection_type: "OktaSAML",
        name: "Okta",
      })
    ).body;
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    expectError(await other.get(`/connections/${conn.id}`), 404, "connection_not_found");
    expectError(await other.del(`/connections/${conn.id}`), 404, "connection_not_found");
    expect((await other.get("/connections")).body.data).toEqual([]);
    expectError(await api.get("/connections?connection_type=Pigeon"), 400, "invalid_parameters");
  });
});

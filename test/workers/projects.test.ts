import { describe, expect, it } from "vitest";
import { expectError, newTeam, session, sql } from "./helpers";
import type { Environment, Project } from "./types";

describe("projects", () => {
  it("creates a project from scratch with Staging and a locked Production by default", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const r = await s.post(`/teams/${team.id}/projects`, { name: "Mobile" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ object: "project", team_id: team.id, name: "Mobile" });
    expect(r.body.id).toMatch(/^project_[0-9A-Z]{26}$/);
    expect(r.body.environments.map((e: Environment) => [e.name, e.production, e.locked, e.project_id])).toEqual([
      ["Staging", false, false, r.body.id],
      ["Production", true, true, r.body.id],
    ]);
    expect(r.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("leaves production off with production: false", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const r = await s.post(`/teams/${team.id}/projects`, { name: "Only staging", production: false });
    expect(r.status).toBe(201);
    expect(r.body.environments.map((e: Environment) => e.name)).toEqual(["Staging"]);
  });

  it("gets, lists, renames", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "B" });
    expect((await s.get(`/teams/${team.id}/projects/${b.body.id}`)).body.name).toBe("B");
    const list = await s.get(`/teams/${team.id}/projects`);
    expect(list.body.data.map((p: Project) => p.id)).toEqual([b.body.id, project.id]);
    const renamed = await s.patch(`/teams/${team.id}/projects/${b.body.id}`, { name: "  Renamed  " });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe("Renamed");
    expect((await s.get(`/teams/${team.id}/projects/${b.body.id}`)).body.name).toBe("Renamed");
  });

  it("deletes a project with its environments and what they own", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "B" });
    const envId = b.body.environments[0].id;
    await s.post(`/teams/${team.id}/environments/${envId}/api_keys`, { name: "k" });
    const r = await s.del(`/teams/${team.id}/projects/${b.body.id}`);
    expect(r.status).toBe(204);
    expectError(await s.get(`/teams/${team.id}/projects/${b.body.id}`), 404, "project_not_found");
    expect(await sql("SELECT id FROM environments WHERE project_id = ?", b.body.id)).toEqual([]);
    expect(await sql("SELECT id FROM api_keys WHERE environment_id = ?", envId)).toEqual([]);
    expect(await sql("SELECT id FROM applications WHERE environment_id = ?", envId)).toEqual([]);
    const events = await s.get(`/teams/${team.id}/events`);
    expect(events.body.data[0]).toMatchObject({ type: "project.deleted", data: { project_id: b.body.id } });
  });

  it("refuses to delete the team's last project (409 team_must_keep_project)", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    expectError(await s.del(`/teams/${team.id}/projects/${project.id}`), 409, "team_must_keep_project");
    expect(await sql("SELECT id FROM projects WHERE team_id = ?", team.id)).toHaveLength(1);
  });

  it("answers 404 for unknown, malformed and other teams' project ids", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const other = await newTeam(s, "Other");
    expectError(await s.get(`/teams/${team.id}/projects/project_01K4BN3VKH8AFZC5J334QZY3PM`), 404, "project_not_found");
    expectError(await s.get(`/teams/${team.id}/projects/nope`), 404, "project_not_found");
    // A project of another team of the same client is not visible through this team either.
    expectError(await s.get(`/teams/${team.id}/projects/${other.project.id}`), 404, "project_not_found");
    expectError(await s.patch(`/teams/${team.id}/projects/${other.project.id}`, { name: "x" }), 404, "project_not_found");
    expectError(await s.del(`/teams/${team.id}/projects/${other.project.id}`), 404, "project_not_found");
  });
});

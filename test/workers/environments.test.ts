import { describe, expect, it } from "vitest";
import { expectError, newTeam, session, sql } from "./helpers";
import type { Environment } from "./types";

describe("environments", () => {
  it("creates an environment in the default project, or the one named", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "B" });
    const inDefault = await s.post(`/teams/${team.id}/environments`, { name: "Development" });
    expect(inDefault.status).toBe(201);
    expect(inDefault.body).toMatchObject({
      object: "environment",
      project_id: project.id,
      name: "Development",
      production: false,
      locked: false,
    });
    expect(inDefault.body.id).toMatch(/^environment_[0-9A-Z]{26}$/);
    const inB = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: b.body.id });
    expect(inB.body.project_id).toBe(b.body.id);
    // Every environment starts with one default application sharing its client id.
    expect(await sql("SELECT client_id, is_default FROM applications WHERE environment_id = ?", inB.body.id)).toEqual([
      { client_id: inB.body.client_id, is_default: 1 },
    ]);
    const events = await s.get(`/teams/${team.id}/events?limit=1`);
    expect(events.body.data[0]).toMatchObject({
      type: "environment.created",
      data: { environment_id: inB.body.id, project_id: b.body.id },
    });
  });

  it("422 production_environment_requires_billing while the team is Inactive; allowed once billing is added", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    expectError(
      await s.post(`/teams/${team.id}/environments`, { name: "Prod 2", production: true }),
      422,
      "production_environment_requires_billing",
    );
    expect(await sql("SELECT count(*) AS n FROM environments WHERE team_id = ?", team.id)).toEqual([{ n: 2 }]);
    await s.put(`/teams/${team.id}/billing`, { billing_email: "b@acme.test", payment_method: "4242424242424242" });
    const r = await s.post(`/teams/${team.id}/environments`, { name: "Prod 2", production: true });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ production: true, locked: false });
  });

  it("a locked production environment mints no keys; once billing is added it does (sk_live_)", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const [staging, production] = environments;
    expectError(
      await s.post(`/teams/${team.id}/environments/${production.id}/api_keys`, { name: "k" }),
      422,
      "production_environment_requires_billing",
    );
    const test = await s.post(`/teams/${team.id}/environments/${staging.id}/api_keys`, { name: "k" });
    expect(test.body.value).toMatch(/^sk_test_/);
    await s.put(`/teams/${team.id}/billing`, { billing_email: "b@acme.test", payment_method: "4242424242424242" });
    const live = await s.post(`/teams/${team.id}/environments/${production.id}/api_keys`, { name: "k" });
    expect(live.status).toBe(201);
    expect(live.body.value).toMatch(/^sk_live_/);
  });

  it("gets, lists by project, renames", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "B", production: false });
    expect((await s.get(`/teams/${team.id}/environments/${environments[0].id}`)).body).toEqual(environments[0]);
    const inDefault = await s.get(`/teams/${team.id}/environments?project_id=${project.id}`);
    expect(inDefault.body.data.map((e: Environment) => e.id)).toEqual([environments[1].id, environments[0].id]);
    const inB = await s.get(`/teams/${team.id}/environments?project_id=${b.body.id}`);
    expect(inB.body.data.map((e: Environment) => e.id)).toEqual([b.body.environments[0].id]);
    expect((await s.get(`/teams/${team.id}/environments`)).body.data).toHaveLength(3);
    const renamed = await s.patch(`/teams/${team.id}/environments/${environments[0].id}`, { name: "Stage" });
    expect(renamed.body).toMatchObject({ id: environments[0].id, name: "Stage", project_id: project.id });
  });

  it("deletes an environment and everything it owns; never a project's last (409 project_must_keep_environment)", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    await s.post(`/teams/${team.id}/environments/${environments[0].id}/api_keys`, { name: "k" });
    expect((await s.del(`/teams/${team.id}/environments/${environments[0].id}`)).status).toBe(204);
    expectError(await s.get(`/teams/${team.id}/environments/${environments[0].id}`), 404, "environment_not_found");
    expect(await sql("SELECT count(*) AS n FROM api_keys WHERE environment_id = ?", environments[0].id)).toEqual([{ n: 0 }]);
    expectError(await s.del(`/teams/${team.id}/environments/${environments[1].id}`), 409, "project_must_keep_environment");
    expect(await sql("SELECT count(*) AS n FROM environments WHERE project_id = ?", project.id)).toEqual([{ n: 1 }]);
  });

  it("404 for unknown, malformed or other teams' environments and projects", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const other = await newTeam(s, "Other");
    for (const id of ["environment_01K4BN3VKH8AFZC5J334QZY3PM", "nope", other.environments[0].id]) {
      expectError(await s.get(`/teams/${team.id}/environments/${id}`), 404, "environment_not_found");
      expectError(await s.del(`/teams/${team.id}/environments/${id}`), 404, "environment_not_found");
    }
    expectError(
      await s.post(`/teams/${team.id}/environments`, { name: "x", project_id: other.project.id }),
      404,
      "project_not_found",
    );
    // A list filtered by another team's project is empty, not a leak.
    expect((await s.get(`/teams/${team.id}/environments?project_id=${other.project.id}`)).body.data).toEqual([]);
  });

  it("expires API keys at once, lists them without values", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const k = await s.post(`/teams/${team.id}/environments/${environments[0].id}/api_keys`, { name: "server" });
    expect(k.body).toMatchObject({ object: "key", name: "server", expires_at: null, value: expect.stringMatching(/^sk_test_/) });
    const stored = await sql<{ value_hash: string }>("SELECT value_hash FROM api_keys WHERE id = ?", k.body.id);
    expect(stored[0].value_hash).not.toContain(k.body.value);
    const list = await s.get(`/teams/${team.id}/environments/${environments[0].id}/api_keys`);
    expect(list.body.data[0]).not.toHaveProperty("value");
    expect((await s.del(`/teams/${team.id}/environments/${environments[0].id}/api_keys/${k.body.id}`)).status).toBe(204);
    const after = await s.get(`/teams/${team.id}/environments/${environments[0].id}/api_keys`);
    expect(after.body.data[0].expires_at).not.toBeNull();
    expectError(
      await s.del(`/teams/${team.id}/environments/${environments[1].id}/api_keys/${k.body.id}`),
      404,
      "api_key_not_found",
    );
    expectError(
      await s.post(`/teams/${team.id}/environments/${environments[0].id}/api_keys`, {
        name: "old",
        expires_at: "2001-01-01T00:00:00Z",
      }),
      422,
      "validation_failed",
    );
  });
});

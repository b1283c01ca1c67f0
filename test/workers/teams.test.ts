import { describe, expect, it } from "vitest";
import { expectError, newTeam, session, sql } from "./helpers";
import type { Environment, Team, TeamEvent } from "./types";

describe("teams", () => {
  it("creates a team with its default project holding Staging and Production", async () => {
    const s = await session();
    const r = await s.post("/teams", { name: "Acme", admin_email: "admin@acme.test" });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      object: "team",
      id: expect.stringMatching(/^team_[0-9A-Z]{26}$/),
      name: "Acme",
      production_state: "Inactive",
      production_enabled_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const projects = await s.get(`/teams/${r.body.id}/projects`);
    expect(projects.body.data).toHaveLength(1);
    const envs = await s.get(`/teams/${r.body.id}/environments?order=asc`);
    expect(envs.body.data.map((e: Environment) => ({ name: e.name, production: e.production, locked: e.locked }))).toEqual([
      { name: "Staging", production: false, locked: false },
      { name: "Production", production: true, locked: true },
    ]);
    expect(envs.body.data.every((e: Environment) => /^client_[0-9A-Z]{26}$/.test(e.client_id))).toBe(true);
    const events = await s.get(`/teams/${r.body.id}/events?order=asc`);
    expect(events.body.data.map((e: TeamEvent) => e.type)).toEqual(["team.created", "project.created"]);
  });

  it("gets and lists the caller's teams with cursor pagination", async () => {
    const s = await session();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await s.post("/teams", { name: `T${i}`, admin_email: "a@b.test" })).body.id);
    expect((await s.get(`/teams/${ids[2]}`)).body.name).toBe("T2");
    const all = (await s.get("/teams?limit=100")).body.data.map((t: Team) => t.id);
    const mine = all.filter((id: string) => ids.includes(id));
    expect(mine).toEqual([...ids].reverse());
    // Page through newest-first, two at a time, then back.
    const p1 = await s.get("/teams?limit=2");
    expect(p1.body.list_metadata).toEqual({ before: null, after: p1.body.data[1].id });
    const p2 = await s.get(`/teams?limit=2&after=${p1.body.list_metadata.after}`);
    expect(p2.body.data.map((t: Team) => t.id)).toEqual(all.slice(2, 4));
    expect(p2.body.list_metadata.before).toBe(p2.body.data[0].id);
    const back = await s.get(`/teams?limit=2&before=${p2.body.list_metadata.before}`);
    expect(back.body.data.map((t: Team) => t.id)).toEqual(all.slice(0, 2));
    const asc = await s.get("/teams?limit=100&order=asc");
    expect(asc.body.data.map((t: Team) => t.id)).toEqual([...all].reverse());
  });

  it("billing makes production Active and unlocks every production environment of the team", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const second = await s.post(`/teams/${team.id}/projects`, { name: "Second" });
    expect(second.body.environments[1].locked).toBe(true);
    expectError(await s.get(`/teams/${team.id}/billing`), 404, "billing_not_found");
    const r = await s.put(`/teams/${team.id}/billing`, {
      billing_email: "billing@acme.test",
      payment_method: "4242 4242 4242 4242",
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: "billing", billing_email: "billing@acme.test", payment_method: "•••• 4242" });
    expect(JSON.stringify(await sql("SELECT * FROM team_billing WHERE team_id = ?", team.id))).not.toContain("4242424242424242");
    const after = await s.get(`/teams/${team.id}`);
    expect(after.body.production_state).toBe("Active");
    expect(after.body.production_enabled_at).toEqual(expect.any(String));
    const envs = await s.get(`/teams/${team.id}/environments`);
    expect(envs.body.data.filter((e: Environment) => e.production).every((e: Environment) => e.locked === false)).toBe(true);
    expect((await s.get(`/teams/${team.id}/billing`)).body.payment_method).toBe("•••• 4242");
    // Updating billing keeps the first activation time.
    await s.put(`/teams/${team.id}/billing`, { billing_email: "new@acme.test", payment_method: "pm_card_1234" });
    expect((await s.get(`/teams/${team.id}`)).body.production_enabled_at).toBe(after.body.production_enabled_at);
  });

  it("422 on bad team input, naming the field", async () => {
    const s = await session();
    const r = await s.post("/teams", { name: "", admin_email: "not-an-email", extra: 1 });
    expectError(r, 422, "validation_failed");
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "name" }),
        expect.objectContaining({ field: "admin_email", code: "invalid_format" }),
        expect.objectContaining({ field: "extra", code: "unknown_field" }),
      ]),
    );
  });
});

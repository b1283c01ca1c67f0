import { describe, expect, it } from "vitest";
import { expectError, newTeam, session, sql } from "./helpers";

describe("usage", () => {
  it("one line per environment with its quantities and amount, a zero line per project, and the total", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const [staging, production] = environments;
    const period = new Date().toISOString().slice(0, 7);
    const now = new Date().toISOString();
    // Usage written directly: the environment API that creates it is tested elsewhere.
    for (const [env, i] of [[staging, 1], [production, 2], [production, 3]] as const) {
      await sql("INSERT INTO organizations (id, environment_id, name, metadata, created_at, updated_at) VALUES (?, ?, 'Org', '{}', ?, ?)", `org_u${i}`, env.id, now, now);
      await sql(
        "INSERT INTO connections (id, environment_id, organization_id, connection_type, name, created_at, updated_at) VALUES (?, ?, ?, 'GenericSAML', 'c', ?, ?)",
        `conn_u${i}`,
        env.id,
        `org_u${i}`,
        now,
        now,
      );
    }
    await sql("INSERT INTO users (id, environment_id, email, metadata, created_at, updated_at) VALUES ('user_u1', ?, 'a@b.test', '{}', ?, ?)", production.id, now, now);
    const r = await s.get(`/teams/${team.id}/usage?period=${period}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: "usage", team_id: team.id, period, currency: "usd" });
    expect(r.body.lines).toEqual([
      { object: "usage_line", type: "project", project_id: project.id, name: "Default", amount_cents: 0 },
      expect.objectContaining({ type: "environment", environment_id: staging.id, quantities: { users: 0, sso_connections: 1, audit_log_events: 0 }, amount_cents: 0 }),
      expect.objectContaining({ type: "environment", environment_id: production.id, quantities: { users: 1, sso_connections: 2, audit_log_events: 0 }, amount_cents: 25000 }),
    ]);
    expect(r.body.total_cents).toBe(25000);
    // A month before anything existed costs nothing.
    const past = await s.get(`/teams/${team.id}/usage?period=2020-01`);
    expect(past.body.total_cents).toBe(0);
  });

  it("400 for a malformed period", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    for (const period of ["2026-13", "26-01", "January"]) expectError(await s.get(`/teams/${team.id}/usage?period=${period}`), 400, "invalid_parameters");
  });
});

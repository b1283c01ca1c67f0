import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { newId } from "../../src/lib/ids";
import { applyTransfer } from "../../src/services/transfers";
import { addEnvironments, newTeam, type Session, session, sql } from "./helpers";

/**
 * What D1 bills each read endpoint (`meta.rows_read`, summed over the request's queries and reported in
 * X-D1-Rows-Read by DB_METRICS=1), on a database of more than 10,000 environments. Every lookup must be
 * an index seek: the cost stays flat whatever the size of the tables around it.
 *
 * Reproduce: npx vitest run --project workers test/workers/rows-read.test.ts
 */
const SEEDED_TEAMS = 200;
const PROJECTS_PER_TEAM = 5;
const ENVIRONMENTS_PER_PROJECT = 10; // 200 × 5 × 10 = 10,000 environments

async function seed() {
  const n = (count: number) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1})`;
  await sql(`INSERT INTO teams (id, owner_client_id, name, admin_email, created_at, updated_at)
    ${n(SEEDED_TEAMS)} SELECT printf('team_seed%05d', i), 'client_seed', 'Seed', 'a@b.test', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n`);
  await sql(`INSERT INTO projects (id, team_id, name, created_at, updated_at)
    ${n(SEEDED_TEAMS * PROJECTS_PER_TEAM)} SELECT printf('project_seed%05d', i), printf('team_seed%05d', i / ${PROJECTS_PER_TEAM}), 'P', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n`);
  await sql(`INSERT INTO environments (id, team_id, project_id, name, production, client_id, created_at, updated_at)
    ${n(SEEDED_TEAMS * PROJECTS_PER_TEAM * ENVIRONMENTS_PER_PROJECT)}
    SELECT printf('environment_seed%05d', i), printf('team_seed%05d', i / ${PROJECTS_PER_TEAM * ENVIRONMENTS_PER_PROJECT}),
      printf('project_seed%05d', i / ${ENVIRONMENTS_PER_PROJECT}), 'E', i % 2, printf('client_seed%05d', i),
      '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n`);
}

const rowsRead = (r: { headers: Headers }) => Number(r.headers.get("X-D1-Rows-Read"));

describe("rows read per request on a database of 10,000+ environments", () => {
  let s: Session;
  let ctx: Awaited<ReturnType<typeof newTeam>>;
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    await seed();
    s = await session();
    ctx = await newTeam(s);
    await addEnvironments(s, ctx.team.id, ctx.project.id, 3);
    await s.post(`/teams/${ctx.team.id}/environments/${ctx.environments[0].id}/api_keys`, { name: "k" });
    const [{ n }] = await sql<{ n: number }>("SELECT count(*) AS n FROM environments");
    expect(n).toBeGreaterThan(10_000);
  });

  it.each([
    ["GET /teams/:id", () => `/teams/${ctx.team.id}`],
    ["GET /teams (limit 10)", () => `/teams`],
    ["GET /teams/:id/projects", () => `/teams/${ctx.team.id}/projects`],
    ["GET /teams/:id/projects/:id", () => `/teams/${ctx.team.id}/projects/${ctx.project.id}`],
    ["GET /teams/:id/environments", () => `/teams/${ctx.team.id}/environments`],
    ["GET /teams/:id/environments?project_id=", () => `/teams/${ctx.team.id}/environments?project_id=${ctx.project.id}`],
    ["GET /teams/:id/environments/:id", () => `/teams/${ctx.team.id}/environments/${ctx.environments[0].id}`],
    ["GET /teams/:id/environments/:id/api_keys", () => `/teams/${ctx.team.id}/environments/${ctx.environments[0].id}/api_keys`],
    ["GET /teams/:id/transfers", () => `/teams/${ctx.team.id}/transfers`],
    ["GET /teams/:id/events", () => `/teams/${ctx.team.id}/events`],
  ])("%s reads only what it returns", async (label, path) => {
    const r = await s.get(path());
    expect(r.status).toBe(200);
    measured[label] = rowsRead(r);
    // One team's handful of rows (plus the team itself), never a scan of 10,000.
    expect(rowsRead(r)).toBeLessThanOrEqual(25);
  });

  it("POST transfer_preview and a transfer stay flat too", async () => {
    const preview = await s.post(`/teams/${ctx.team.id}/projects/transfer_preview`, {
      source_project_id: ctx.project.id,
      environment_ids: [ctx.environments[0].id],
    });
    measured["POST …/projects/transfer_preview"] = rowsRead(preview);
    expect(rowsRead(preview)).toBeLessThanOrEqual(30);
    const t = await s.post(`/teams/${ctx.team.id}/projects`, {
      name: "Moved",
      transfer: { source_project_id: ctx.project.id, environment_ids: [ctx.environments[0].id], acknowledge: true, preview_token: preview.body.preview_token },
    });
    expect(t.status).toBe(201);
    measured["POST …/projects (transfer, request side)"] = rowsRead(t);
    // Inside the coordinator: the transfer itself (assess + guarded batch), metered the same way.
    const metrics = { rowsRead: 0, rowsWritten: 0, queries: 0 };
    await applyTransfer(openDatabase(env, metrics), {
      teamId: ctx.team.id,
      actor: "measure",
      sourceProjectId: ctx.project.id,
      environmentIds: [ctx.environments[1].id],
      transferId: newId("transfer"),
      destination: { kind: "new", id: newId("project"), name: "Measured" },
    });
    measured["transfer in the coordinator (rows read)"] = metrics.rowsRead;
    measured["transfer in the coordinator (rows written)"] = metrics.rowsWritten;
    expect(metrics.rowsRead).toBeLessThanOrEqual(60);
    console.log(`rows_read per request (${SEEDED_TEAMS * PROJECTS_PER_TEAM * ENVIRONMENTS_PER_PROJECT}+ environments):\n${Object.entries(measured).map(([k, v]) => `  ${k.padEnd(48)} ${v}`).join("\n")}`);
  });
});

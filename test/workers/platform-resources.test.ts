import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expireApiKey } from "../../src/commands/api-keys";
import { updateEnvironment } from "../../src/commands/environments";
import { updateProject } from "../../src/commands/projects";
import { openDatabase } from "../../src/db/client";
import type { Env } from "../../src/env";
import { getEnvironment } from "../../src/services/environments";
import { getProject } from "../../src/services/projects";
import { getTeam } from "../../src/services/teams";
import { CLIENT, expectError, newTeam, OTHER_CLIENT, type Session, session, sql } from "./helpers";

/**
 * The Platform API's path resources are resolved by middleware (src/middleware/path-resources.ts): `:team_id` must be
 * the caller's team, `:project_id` and `:environment_id` that team's. Everything else is a 404 with the entity's
 * code, and nothing is written.
 */

/** Well-formed ids that exist nowhere. */
const UNKNOWN = {
  team: "team_01ARZ3NDEKTSV4RRFFQ69G5FAV",
  project: "project_01ARZ3NDEKTSV4RRFFQ69G5FAV",
  environment: "environment_01ARZ3NDEKTSV4RRFFQ69G5FAV",
  apiKey: "api_key_01ARZ3NDEKTSV4RRFFQ69G5FAV",
};

type Call = [method: "get" | "post" | "put" | "patch" | "del", path: string, body?: unknown];

/** A call of every kind of route under a team, for the ids given (bodies valid, so only the path can fail). */
const teamPaths = (t: string, p: string, e: string): Call[] => [
  ["get", `/teams/${t}`],
  ["get", `/teams/${t}/billing`],
  ["put", `/teams/${t}/billing`, { billing_email: "b@acme.test", payment_method: "4242 4242" }],
  ["get", `/teams/${t}/usage`],
  ["get", `/teams/${t}/events`],
  ["get", `/teams/${t}/transfers`],
  ["get", `/teams/${t}/projects`],
  ["post", `/teams/${t}/projects`, { name: "P" }],
  ["post", `/teams/${t}/projects/transfer_preview`, { source_project_id: p, environment_ids: [e] }],
  ["get", `/teams/${t}/environments`],
  ["post", `/teams/${t}/environments`, { name: "E" }],
  ...projectPaths(t, p),
  ...environmentPaths(t, e),
];

const projectPaths = (t: string, p: string): Call[] => [
  ["get", `/teams/${t}/projects/${p}`],
  ["patch", `/teams/${t}/projects/${p}`, { name: "Renamed" }],
  ["del", `/teams/${t}/projects/${p}`],
  ["get", `/teams/${t}/projects/${p}/feature_flags`],
  ["post", `/teams/${t}/projects/${p}/feature_flags`, { slug: "f", name: "F" }],
  ["get", `/teams/${t}/projects/${p}/feature_flags/f`],
  ["patch", `/teams/${t}/projects/${p}/feature_flags/f`, { name: "G" }],
  ["del", `/teams/${t}/projects/${p}/feature_flags/f`],
  ["get", `/teams/${t}/projects/${p}/email_domains`],
  ["post", `/teams/${t}/projects/${p}/email_domains`, { domain: "mail.acme.test" }],
  ["get", `/teams/${t}/projects/${p}/audit_log_schemas`],
];

const environmentPaths = (t: string, e: string): Call[] => [
  ["get", `/teams/${t}/environments/${e}`],
  ["patch", `/teams/${t}/environments/${e}`, { name: "Renamed" }],
  ["del", `/teams/${t}/environments/${e}`],
  ["get", `/teams/${t}/environments/${e}/api_keys`],
  ["post", `/teams/${t}/environments/${e}/api_keys`, { name: "k" }],
  ["del", `/teams/${t}/environments/${e}/api_keys/${UNKNOWN.apiKey}`],
  ["get", `/teams/${t}/environments/${e}/applications`],
  ["post", `/teams/${t}/environments/${e}/applications`, { name: "A", type: "web" }],
  ["get", `/teams/${t}/environments/${e}/branding`],
  ["put", `/teams/${t}/environments/${e}/branding`, {}],
  ["post", `/teams/${t}/environments/${e}/branding/copy`, { source_environment_id: e }],
  [
    "post",
    `/teams/${t}/environments/${e}/connections`,
    { organization_id: "org_01ARZ3NDEKTSV4RRFFQ69G5FAV", connection_type: "GenericSAML", name: "C" },
  ],
];

/** Every table's row count: a refused request must leave all of them as they were. */
async function counts() {
  const tables = await sql<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
  );
  const out: Record<string, number> = {};
  for (const { name } of tables) out[name] = (await sql<{ n: number }>(`SELECT count(*) AS n FROM "${name}"`))[0].n;
  return out;
}

async function expectAll(s: Session, calls: Call[], status: number, code: string) {
  for (const [method, path, body] of calls) {
    const answer = await s[method](path, body);
    expect({ call: `${method} ${path}`, status: answer.status, code: answer.body?.code }).toEqual({
      call: `${method} ${path}`,
      status,
      code,
    });
  }
}

describe("path resources", () => {
  it("another client's team is team_not_found on every kind of path, and nothing is written", async () => {
    const mine = await session();
    const other = await session(OTHER_CLIENT);
    const { team, project, environments } = await newTeam(other, "Theirs");
    const before = await counts();
    await expectAll(mine, teamPaths(team.id, project.id, environments[0].id), 404, "team_not_found");
    expect(await counts()).toEqual(before);
  }, 60_000);

  it("another team's project or environment is project_not_found / environment_not_found, and nothing is written", async () => {
    const s = await session();
    const mine = await newTeam(s, "Mine");
    // Same client, another team: its ids must not be reachable through my team's paths.
    const theirs = await newTeam(s, "Theirs");
    const before = await counts();
    await expectAll(s, projectPaths(mine.team.id, theirs.project.id), 404, "project_not_found");
    await expectAll(s, environmentPaths(mine.team.id, theirs.environments[0].id), 404, "environment_not_found");
    expect(await counts()).toEqual(before);
    // And they are still there, unchanged, in their own team.
    expect((await s.get(`/teams/${theirs.team.id}/projects/${theirs.project.id}`)).body.name).toBe("Default");
  }, 60_000);

  it("malformed and unknown ids are 404 with the entity's code", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const before = await counts();
    for (const bad of ["nope", UNKNOWN.team, project.id, "team_01arz3ndektsv4rrffq69g5fav", "%20"]) {
      await expectAll(
        s,
        [
          ["get", `/teams/${bad}`],
          ["get", `/teams/${bad}/projects/${project.id}`],
          ["get", `/teams/${bad}/environments/${environments[0].id}`],
        ],
        404,
        "team_not_found",
      );
    }
    for (const bad of ["nope", UNKNOWN.project, environments[0].id, `${project.id}x`])
      await expectAll(s, projectPaths(team.id, bad), 404, "project_not_found");
    for (const bad of ["nope", UNKNOWN.environment, project.id])
      await expectAll(s, environmentPaths(team.id, bad), 404, "environment_not_found");
    expect(await counts()).toEqual(before);
  }, 60_000);

  it("a fixed segment where an id could be is not an id: transfer_preview still works, other methods on it are not found", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const preview = await s.post(`/teams/${team.id}/projects/transfer_preview`, {
      source_project_id: project.id,
      environment_ids: [environments[0].id],
    });
    expect(preview.status).toBe(200);
    expect(preview.body.object).toBe("transfer_preview");
    expectError(await s.get(`/teams/${team.id}/projects/transfer_preview`), 404, "project_not_found");
    expectError(await s.patch(`/teams/${team.id}/projects/transfer_preview`, { name: "x" }), 404, "project_not_found");
    // A path no route answers is the API's plain 404, whatever the id.
    expectError(await s.get(`/teams/${team.id}/projects/${project.id}/nothing_here`), 404, "not_found");
  });

  it("routes see the resolved resources: the team, project and environment of the path", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    expect((await s.get(`/teams/${team.id}`)).body.id).toBe(team.id);
    expect((await s.get(`/teams/${team.id}/projects/${project.id}`)).body).toMatchObject({ id: project.id, team_id: team.id });
    expect((await s.get(`/teams/${team.id}/environments/${environments[1].id}`)).body).toMatchObject({
      id: environments[1].id,
      production: true,
    });
    expect((await s.get(`/teams/${team.id}/environments/${environments[1].id}/branding`)).body.environment_id).toBe(
      environments[1].id,
    );
  });
});

describe("a refused write records no team event", () => {
  const eventCount = async (teamId: string) =>
    (await sql<{ n: number }>("SELECT count(*) AS n FROM team_events WHERE team_id = ?", teamId))[0].n;

  it("PATCH an unknown project: 404, no project.updated", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const before = await eventCount(team.id);
    expectError(await s.patch(`/teams/${team.id}/projects/${UNKNOWN.project}`, { name: "Ghost" }), 404, "project_not_found");
    expect(await eventCount(team.id)).toBe(before);
  });

  it("DELETE an unknown or another environment's API key: 404, no api_key.expired", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const [staging] = environments;
    const second = await s.post(`/teams/${team.id}/environments`, { name: "QA" });
    const other = await s.post(`/teams/${team.id}/environments/${second.body.id}/api_keys`, { name: "qa" });
    expect(other.status).toBe(201);
    const before = await eventCount(team.id);
    for (const id of [UNKNOWN.apiKey, "nope", other.body.id])
      expectError(await s.del(`/teams/${team.id}/environments/${staging.id}/api_keys/${id}`), 404, "api_key_not_found");
    expect(await eventCount(team.id)).toBe(before);
    expect((await sql("SELECT expires_at FROM api_keys WHERE id = ?", other.body.id))[0].expires_at).toBeNull();
    // The key of that environment expires through its own path, once, with its event.
    expect((await s.del(`/teams/${team.id}/environments/${second.body.id}/api_keys/${other.body.id}`)).status).toBe(204);
    const events = await sql<{ type: string; data: string }>(
      "SELECT type, data FROM team_events WHERE team_id = ? ORDER BY id DESC LIMIT 1",
      team.id,
    );
    expect(events[0].type).toBe("api_key.expired");
    expect(JSON.parse(events[0].data)).toEqual({ environment_id: second.body.id, api_key_id: other.body.id });
    expect(await eventCount(team.id)).toBe(before + 1);
  });

  it("the commands guard the event themselves: a project or environment deleted after it was resolved records nothing", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const extra = await s.post(`/teams/${team.id}/projects`, { name: "Doomed" });
    const db = openDatabase(env as unknown as Env);
    const caller = { clientId: CLIENT.id };
    const scope = { env: env as unknown as Env, db, store: db, caller, team: await getTeam(db, caller, team.id) };
    // Resolve the rows as the middleware would, then delete them behind the command's back.
    const doomed = await getProject(db, team.id, extra.body.id);
    const doomedEnv = await getEnvironment(db, team.id, extra.body.environments[0].id);
    expect((await s.del(`/teams/${team.id}/projects/${doomed.id}`)).status).toBe(204);
    const before = await eventCount(team.id);
    await expect(updateProject({ ...scope, project: doomed }, { name: "Ghost" })).rejects.toMatchObject({
      code: "project_not_found",
    });
    await expect(updateEnvironment({ ...scope, environment: doomedEnv }, { name: "Ghost" })).rejects.toMatchObject({
      code: "environment_not_found",
    });
    await expect(
      expireApiKey({ ...scope, environment: await getEnvironment(db, team.id, environments[0].id) }, { id: UNKNOWN.apiKey }),
    ).rejects.toMatchObject({
      code: "api_key_not_found",
    });
    expect(await eventCount(team.id)).toBe(before);
    // The same commands on live rows do record their event.
    await updateProject({ ...scope, project: await getProject(db, team.id, project.id) }, { name: "Alive" });
    expect(await eventCount(team.id)).toBe(before + 1);
    const [last] = await sql<{ type: string; data: string }>(
      "SELECT type, data FROM team_events WHERE team_id = ? ORDER BY id DESC LIMIT 1",
      team.id,
    );
    expect({ type: last.type, data: JSON.parse(last.data) }).toEqual({
      type: "project.updated",
      data: { project_id: project.id, name: "Alive" },
    });
  });
});

import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinate } from "../../src/coordinator/client";
import type { ProjectCoordinator } from "../../src/coordinator/project-coordinator";
import { newId } from "../../src/lib/ids";
import { ApiError } from "../../src/lib/errors";
import { newTeam, session, sql } from "./helpers";

const stubOf = (projectId: string) => env.PROJECT_COORDINATOR.get(env.PROJECT_COORDINATOR.idFromName(projectId));

describe("ProjectCoordinator", () => {
  it("logs each operation in its own storage and replays the outcome of a repeated operation id", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const input = {
      teamId: team.id,
      projectId: project.id,
      actor: "test",
      environment: { id: newId("environment"), clientId: newId("client"), name: "Once", production: false },
    };
    const first = await coordinate(env, project.id, "create_environment", input, "op-1");
    // The same operation id with another input (a retry): the first outcome, nothing new.
    const again = await coordinate(env, project.id, "create_environment", { ...input, environment: { ...input.environment, id: newId("environment") } }, "op-1");
    expect(again).toEqual(first);
    expect(await sql("SELECT count(*) AS n FROM environments WHERE name = 'Once' AND team_id = ?", team.id)).toEqual([{ n: 1 }]);
    const logged = await runInDurableObject(stubOf(project.id), (_: ProjectCoordinator, state) => state.storage.get<{ kind: string; outcome: unknown }>("op:op-1"));
    expect(logged).toMatchObject({ kind: "create_environment", outcome: { ok: true } });
  });

  it("answers a rule's refusal as the ApiError it is, across the RPC boundary", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "B" });
    // The environment is not in this project (it moved, say): the coordinator says so, and the route retries.
    const err = await coordinate(env, b.body.id, "delete_environment", { teamId: team.id, projectId: b.body.id, environmentId: environments[0].id, actor: "t" }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: "environment_moved" });
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", environments[0].id)).toEqual([{ project_id: project.id }]);
  });

  it("forgets operations older than a day when its alarm runs", async () => {
    const s = await session();
    const { project } = await newTeam(s);
    const stub = stubOf(project.id);
    await runInDurableObject(stub, async (_: ProjectCoordinator, state) => {
      await state.storage.put("op:old", { kind: "delete_project", input: {}, startedAt: Date.now() - 2 * 86_400_000, outcome: { ok: true } });
      await state.storage.put("op:new", { kind: "delete_project", input: {}, startedAt: Date.now(), outcome: { ok: true } });
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const left = await runInDurableObject(stub, async (_: ProjectCoordinator, state) => [...(await state.storage.list({ prefix: "op:" })).keys()]);
    expect(left).toEqual(["op:new"]);
  });
});

import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinate, coordinatorOf } from "../../src/coordinator/client";
import type { ProjectCoordinator } from "../../src/coordinator/project-coordinator";
import { ApiError } from "../../src/lib/errors";
import { newId } from "../../src/lib/ids";
import { newTeam, session, sql } from "./helpers";

const stubOf = (projectId: string) => coordinatorOf(env, projectId);

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
    const again = await coordinate(
      env,
      project.id,
      "create_environment",
      { ...input, environment: { ...input.environment, id: newId("environment") } },
      "op-1",
    );
    expect(again).toEqual(first);
    expect(await sql("SELECT count(*) AS n FROM environments WHERE name = 'Once' AND team_id = ?", team.id)).toEqual([{ n: 1 }]);
    const logged = await runInDurableObject(stubOf(project.id), (_: ProjectCoordinator, state) =>
      state.storage.get<{ kind: string; outcome: unknown }>("op:op-1"),
    );
    expect(logged).toMatchObject({ kind: "create_environment", outcome: { ok: true } });
  });

  it("answers a rule's refusal as the ApiError it is, across the RPC boundary", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "B" });
    // The environment is not in this project (it moved, say): the coordinator says so, and the route retries.
    const err = await coordinate(env, b.body.id, "delete_environment", {
      teamId: team.id,
      projectId: b.body.id,
      environmentId: environments[0].id,
      actor: "t",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: "environment_moved" });
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", environments[0].id)).toEqual([
      { project_id: project.id },
    ]);
  });

  it("forgets operations older than a day when its alarm runs", async () => {
    const s = await session();
    const { project } = await newTeam(s);
    const stub = stubOf(project.id);
    await runInDurableObject(stub, async (_: ProjectCoordinator, state) => {
      await state.storage.put("op:old", {
        kind: "delete_project",
        input: {},
        startedAt: Date.now() - 2 * 86_400_000,
        outcome: { ok: true },
      });
      await state.storage.put("op:new", { kind: "delete_project", input: {}, startedAt: Date.now(), outcome: { ok: true } });
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const left = await runInDurableObject(stub, async (_: ProjectCoordinator, state) => [
      ...(await state.storage.list({ prefix: "op:" })).keys(),
    ]);
    expect(left).toEqual(["op:new"]);
  });

  /**
   * Issue 9 (c): the serial queue is what makes the critical section real. D1 calls open the input gate, so
   * without it operations interleave their read-check-write; the guard and the triggers would then hide it
   * from the rule tests. This counts operations running at once inside the object: with the queue, never
   * more than one. (Verified: replacing `this.queue.run(() => this.logged(…))` by `this.logged(…)` makes it
   * fail: 9 at once.)
   */
  it("runs one operation at a time: 10 simultaneous operations never overlap inside the object", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const stub = stubOf(project.id);
    await runInDurableObject(stub, (instance: ProjectCoordinator) => {
      instance.maxRunning = 0;
    });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        coordinate(env, project.id, "create_environment", {
          teamId: team.id,
          projectId: project.id,
          actor: "test",
          environment: { id: newId("environment"), clientId: newId("client"), name: `E${i}`, production: false },
        }),
      ),
    );
    expect(await runInDurableObject(stub, (instance: ProjectCoordinator) => instance.maxRunning)).toBe(1);
    expect(await sql("SELECT count(*) AS n FROM environments WHERE project_id = ?", project.id)).toEqual([{ n: 12 }]);
  });

  it("a lease holds the project's queue: an operation waits until it is released; a wrong or expired lease runs nothing", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const stub = stubOf(project.id);
    expect(await stub.acquire("lease-1", 1_000, 10_000)).toEqual({ ok: true });
    // A second lease cannot be had while the first is held.
    expect(await stub.acquire("lease-2", 200, 10_000)).toEqual({ ok: false });
    let done = false;
    const create = coordinate(env, project.id, "create_environment", {
      teamId: team.id,
      projectId: project.id,
      actor: "test",
      environment: { id: newId("environment"), clientId: newId("client"), name: "Waits", production: false },
    }).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    expect(await sql("SELECT count(*) AS n FROM environments WHERE name = 'Waits' AND project_id = ?", project.id)).toEqual([
      { n: 0 },
    ]);
    // An operation under another lease id is refused without running.
    const wrong = await coordinate(
      env,
      project.id,
      "delete_project",
      { teamId: team.id, projectId: project.id, actor: "t" },
      undefined,
      "not-the-lease",
    ).catch((e) => e);
    expect(wrong).toMatchObject({ status: 503, code: "project_busy" });
    await stub.release("lease-1");
    await create;
    expect(done).toBe(true);
  });
});

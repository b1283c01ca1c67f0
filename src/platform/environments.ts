import * as v from "valibot";
import { createRouter } from "../lib/router";
import { coordinate } from "../coordinator/client";
import type { Env } from "../env";
import { ApiError, notFound } from "../lib/errors";
import { isId, newId } from "../lib/ids";
import { ListParams } from "../lib/pagination";
import { Id, Name, validate } from "../lib/validation";
import {
  getEnvironment,
  listEnvironments,
  productionRequiresBilling,
  refuseMoveIntoExistingProject,
  renameEnvironment,
  serializeEnvironment,
} from "../services/environments";
import { defaultProject, getProject } from "../services/projects";
import { productionLocked } from "../services/teams";
import { loadTeam } from "./teams";

export const CreateEnvironment = v.strictObject({ name: Name, production: v.optional(v.boolean(), false), project_id: v.optional(Id("project")) });

/** `project_id` is accepted only to refuse it clearly when it would move the environment. */
export const PatchEnvironment = v.strictObject({ name: v.optional(Name), project_id: v.optional(v.string()) });

const ListEnvironments = v.object({ ...ListParams.entries, project_id: v.optional(Id("project")) });

const environmentIdOf = (raw: string) => {
  if (!isId("environment", raw)) throw notFound("environment", raw);
  return raw;
};

/**
 * Runs an operation on an environment in its project's coordinator. The environment may move (a transfer)
 * between our lookup and the coordinator's turn: the coordinator then says so and we follow it, a few times.
 */
async function inEnvironmentsProject(env: Env, lookup: () => Promise<{ projectId: string }>, run: (projectId: string) => Promise<unknown>) {
  for (let attempt = 0; ; attempt++) {
    const { projectId } = await lookup();
    try {
      return await run(projectId);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "environment_moved" && attempt < 3)) throw err;
    }
  }
}

export const environmentRoutes = createRouter()
  .use("/teams/:team_id/environments", loadTeam)
  .use("/teams/:team_id/environments/*", loadTeam)
  .post("/teams/:team_id/environments", validate("json", CreateEnvironment), async (c) => {
    const input = c.req.valid("json");
    const { db, team, caller } = c.var;
    if (input.production && productionLocked(team)) throw productionRequiresBilling();
    const project = input.project_id ? await getProject(db, team.id, input.project_id) : await defaultProject(db, team.id);
    const created = await coordinate(c.env, project.id, "create_environment", {
      teamId: team.id,
      projectId: project.id,
      actor: caller.clientId,
      environment: { id: newId("environment"), clientId: newId("client"), name: input.name, production: input.production },
    });
    return c.json(serializeEnvironment(created, team), 201);
  })
  .get("/teams/:team_id/environments", validate("query", ListEnvironments), async (c) =>
    c.json(await listEnvironments(c.var.db, c.var.team, c.req.valid("query"))),
  )
  .get("/teams/:team_id/environments/:environment_id", async (c) =>
    c.json(serializeEnvironment(await getEnvironment(c.var.db, c.var.team.id, environmentIdOf(c.req.param("environment_id"))), c.var.team)),
  )
  .patch("/teams/:team_id/environments/:environment_id", validate("json", PatchEnvironment), async (c) => {
    const input = c.req.valid("json");
    const { db, team, caller } = c.var;
    const current = await getEnvironment(db, team.id, environmentIdOf(c.req.param("environment_id")));
    if (input.project_id !== undefined && input.project_id !== current.projectId) throw refuseMoveIntoExistingProject();
    const updated = input.name === undefined ? current : await renameEnvironment(db, caller.clientId, team, current.id, input.name);
    return c.json(serializeEnvironment(updated, team));
  })
  .delete("/teams/:team_id/environments/:environment_id", async (c) => {
    const { db, team, caller } = c.var;
    const environmentId = environmentIdOf(c.req.param("environment_id"));
    await inEnvironmentsProject(
      c.env,
      () => getEnvironment(db, team.id, environmentId),
      (projectId) => coordinate(c.env, projectId, "delete_environment", { teamId: team.id, projectId, environmentId, actor: caller.clientId }),
    );
    return c.body(null, 204);
  });

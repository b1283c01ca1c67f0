import * as v from "valibot";
import { createEnvironment, deleteEnvironment, updateEnvironment } from "../commands/environments";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { Id, Name, validate } from "../lib/validation";
import { listEnvironments, serializeEnvironment } from "../services/environments";
import { teamEnvironmentScope, teamScope } from "./resources";

export const CreateEnvironment = v.strictObject({ name: Name, production: v.optional(v.boolean(), false), project_id: v.optional(Id("project")) });

/** `project_id` is accepted only to refuse it clearly when it would move the environment. */
export const PatchEnvironment = v.strictObject({ name: v.optional(Name), project_id: v.optional(v.string()) });

const ListEnvironments = v.object({ ...ListParams.entries, project_id: v.optional(Id("project")) });

export const environmentRoutes = createRouter()
  .post("/teams/:team_id/environments", validate("json", CreateEnvironment), async (c) =>
    c.json(serializeEnvironment(await createEnvironment(teamScope(c), c.req.valid("json")), c.var.team), 201),
  )
  .get("/teams/:team_id/environments", validate("query", ListEnvironments), async (c) =>
    c.json(await listEnvironments(c.var.db, c.var.team, c.req.valid("query"))),
  )
  .get("/teams/:team_id/environments/:environment_id", (c) => c.json(serializeEnvironment(c.var.environment, c.var.team)))
  .patch("/teams/:team_id/environments/:environment_id", validate("json", PatchEnvironment), async (c) =>
    c.json(serializeEnvironment(await updateEnvironment(teamEnvironmentScope(c), c.req.valid("json")), c.var.team)),
  )
  .delete("/teams/:team_id/environments/:environment_id", async (c) => {
    await deleteEnvironment(teamEnvironmentScope(c));
    return c.body(null, 204);
  });

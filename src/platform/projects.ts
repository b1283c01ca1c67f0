import * as v from "valibot";
import { createRouter } from "../lib/router";
import { coordinate } from "../coordinator/client";
import { notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import { ListParams } from "../lib/pagination";
import { Id, Name, validate } from "../lib/validation";
import { refuseMoveIntoExistingProject } from "../services/environments";
import { createProjectFromScratch, getProject, listProjects, renameProject, serializeProject, serializeProjectWithEnvironments } from "../services/projects";
import { createProjectByTransfer, listTransfers, MAX_TRANSFER_ENVIRONMENTS, previewTransfer } from "../services/transfers";
import { loadTeam } from "./teams";

const EnvironmentIds = v.pipe(
  v.array(Id("environment")),
  v.maxLength(MAX_TRANSFER_ENVIRONMENTS, `must list at most ${MAX_TRANSFER_ENVIRONMENTS} environments.`),
);

export const Transfer = v.strictObject({
  source_project_id: Id("project"),
  environment_ids: EnvironmentIds,
  acknowledge: v.optional(v.boolean()),
  preview_token: v.optional(v.pipe(v.string(), v.maxLength(100))),
  /** Accepted only to answer clearly: moving into an existing project is not supported yet. */
  destination_project_id: v.optional(v.string()),
});

export const CreateProject = v.strictObject({
  name: Name,
  production: v.optional(v.boolean(), true),
  transfer: v.optional(Transfer),
});

export const TransferPreview = v.strictObject({ source_project_id: Id("project"), environment_ids: EnvironmentIds });

export const PatchProject = v.strictObject({ name: Name });

/** Path ids are checked for shape before any query: a malformed id is simply not found. */
const projectIdOf = (raw: string) => {
  if (!isId("project", raw)) throw notFound("project", raw);
  return raw;
};

export const projectRoutes = createRouter()
  .use("/teams/:team_id/projects", loadTeam)
  .use("/teams/:team_id/projects/*", loadTeam)
  .use("/teams/:team_id/transfers", loadTeam)
  .post("/teams/:team_id/projects", validate("json", CreateProject), async (c) => {
    const input = c.req.valid("json");
    const { db, team, caller } = c.var;
    if (input.transfer) {
      if (input.transfer.destination_project_id !== undefined) throw refuseMoveIntoExistingProject();
      const result = await createProjectByTransfer(c.env, db, caller, team, input.name, input.transfer, c.req.header("Idempotency-Key"));
      return c.json(serializeProjectWithEnvironments(result.project, result.environments, team), 201);
    }
    const created = await createProjectFromScratch(db, caller.clientId, team, { name: input.name, production: input.production });
    return c.json(serializeProjectWithEnvironments(created.project, created.environments, team), 201);
  })
  .get("/teams/:team_id/projects", validate("query", ListParams), async (c) => c.json(await listProjects(c.var.db, c.var.team, c.req.valid("query"))))
  .post("/teams/:team_id/projects/transfer_preview", validate("json", TransferPreview), async (c) =>
    c.json(await previewTransfer(c.var.db, c.var.team, c.req.valid("json"))),
  )
  .get("/teams/:team_id/projects/:project_id", async (c) =>
    c.json(serializeProject(await getProject(c.var.db, c.var.team.id, projectIdOf(c.req.param("project_id"))))),
  )
  .patch("/teams/:team_id/projects/:project_id", validate("json", PatchProject), async (c) => {
    const project = await renameProject(c.var.db, c.var.caller.clientId, c.var.team, projectIdOf(c.req.param("project_id")), c.req.valid("json").name);
    return c.json(serializeProject(project));
  })
  .delete("/teams/:team_id/projects/:project_id", async (c) => {
    const project = await getProject(c.var.db, c.var.team.id, projectIdOf(c.req.param("project_id")));
    await coordinate(c.env, project.id, "delete_project", { teamId: c.var.team.id, projectId: project.id, actor: c.var.caller.clientId });
    return c.body(null, 204);
  })
  .get("/teams/:team_id/transfers", validate("query", ListParams), async (c) => c.json(await listTransfers(c.var.db, c.var.team, c.req.valid("query"))));

import * as v from "valibot";
import { createRouter } from "../lib/router";
import { createProject, deleteProject, updateProject } from "../commands/projects";
import { ListParams } from "../lib/pagination";
import { Id, Name, validate } from "../lib/validation";
import { refuseMoveIntoExistingProject } from "../services/environments";
import { listProjects, serializeProject, serializeProjectWithEnvironments } from "../services/projects";
import { createProjectByTransfer } from "../commands/transfers";
import { listTransfers, previewTransfer } from "../services/transfers";
import { projectScope, teamScope } from "./resources";
import { Configuration, EnvironmentIds, PreviewToken } from "./transfers";

export const Transfer = v.strictObject({
  source_project_id: Id("project"),
  environment_ids: EnvironmentIds,
  acknowledge: v.optional(v.boolean()),
  preview_token: PreviewToken,
  configuration: Configuration,
  /** Accepted only to answer clearly: moving into an existing project is POST …/transfers. */
  destination_project_id: v.optional(v.string()),
});

export const CreateProject = v.strictObject({
  name: Name,
  production: v.optional(v.boolean(), true),
  transfer: v.optional(Transfer),
});

export const TransferPreview = v.strictObject({
  source_project_id: Id("project"),
  environment_ids: EnvironmentIds,
  destination_project_id: v.optional(Id("project")),
  configuration: Configuration,
});

export const PatchProject = v.strictObject({ name: Name });

export const projectRoutes = createRouter()
  .post("/teams/:team_id/projects", validate("json", CreateProject), async (c) => {
    const input = c.req.valid("json");
    const { db, team, caller } = c.var;
    if (input.transfer) {
      if (input.transfer.destination_project_id !== undefined) throw refuseMoveIntoExistingProject();
      const { destination_project_id: _, ...transfer } = input.transfer;
      const result = await createProjectByTransfer({ env: c.env, db, caller, team }, { ...transfer, name: input.name, idempotency_key: c.req.header("Idempotency-Key") });
      return c.json(serializeProjectWithEnvironments(result.project, result.environments, team), 201);
    }
    const created = await createProject(teamScope(c), { name: input.name, production: input.production });
    return c.json(serializeProjectWithEnvironments(created.project, created.environments, team), 201);
  })
  .get("/teams/:team_id/projects", validate("query", ListParams), async (c) => c.json(await listProjects(c.var.db, c.var.team, c.req.valid("query"))))
  .post("/teams/:team_id/projects/transfer_preview", validate("json", TransferPreview), async (c) =>
    c.json(await previewTransfer(c.var.db, c.var.team, c.req.valid("json"))),
  )
  .get("/teams/:team_id/projects/:project_id", (c) => c.json(serializeProject(c.var.project)))
  .patch("/teams/:team_id/projects/:project_id", validate("json", PatchProject), async (c) =>
    c.json(serializeProject(await updateProject(projectScope(c), c.req.valid("json")))),
  )
  .delete("/teams/:team_id/projects/:project_id", async (c) => {
    await deleteProject(projectScope(c));
    return c.body(null, 204);
  })
  .get("/teams/:team_id/transfers", validate("query", ListParams), async (c) => c.json(await listTransfers(c.var.db, c.var.team, c.req.valid("query"))));

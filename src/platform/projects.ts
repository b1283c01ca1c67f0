import { createProject, deleteProject, updateProject } from "../commands/projects";
import { createProjectByTransfer } from "../commands/transfers";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { projectScope, teamScope } from "../middleware/command-scope";
import { ListOf } from "../schemas/fields";
import {
  CreateProject,
  PatchProject,
  ProjectObject,
  ProjectWithEnvironmentsObject,
  TransferPreviewObject,
} from "../schemas/projects";
import { TransferObject, TransferPreview } from "../schemas/transfers";
import { refuseMoveIntoExistingProject } from "../services/environments";
import { listProjects, serializeProject, serializeProjectWithEnvironments } from "../services/projects";
import { listTransfers, previewTransfer } from "../services/transfers";
import { IDEMPOTENT, IN_PROJECT, IN_TEAM } from "./doc";

export const projectRoutes = createRouter()
  .post(
    "/teams/:team_id/projects",
    doc({
      summary: "Create a project, from scratch or by transfer",
      description:
        "From scratch: `Staging`, plus `Production` unless `production: false`. With `transfer`: the chosen environments of a source project move into the new project, all or nothing (review them first with `transfer_preview`; `acknowledge: true` is required). Answers the project with its environments.",
      tags: ["Projects", "Transfers"],
      responses: { 201: ProjectWithEnvironmentsObject },
      errors: [
        ...IN_TEAM,
        ...IDEMPOTENT,
        "move_requires_transfer",
        "transfer_requires_acknowledgement",
        "transfer_requires_environments",
        "project_not_found",
        "environment_not_found",
        "environments_from_multiple_projects",
        "source_project_must_keep_environment",
        "source_project_config_not_copyable",
        "configuration_conflict",
        "transfer_preview_stale",
        "transfer_conflict",
        "project_busy",
      ],
      write: true,
    }),
    validate("json", CreateProject),
    async (c) => {
      const input = c.req.valid("json");
      const { team } = c.var;
      if (input.transfer) {
        if (input.transfer.destination_project_id !== undefined) throw refuseMoveIntoExistingProject();
        const { destination_project_id: _, ...transfer } = input.transfer;
        const result = await createProjectByTransfer(teamScope(c), {
          ...transfer,
          name: input.name,
          idempotency_key: c.req.header("Idempotency-Key"),
        });
        return c.json(serializeProjectWithEnvironments(result.project, result.environments, team), 201);
      }
      const created = await createProject(teamScope(c), { name: input.name, production: input.production });
      return c.json(serializeProjectWithEnvironments(created.project, created.environments, team), 201);
    },
  )
  .get(
    "/teams/:team_id/projects",
    doc({ summary: "List projects", tags: ["Projects"], responses: { 200: ListOf(ProjectObject) }, errors: IN_TEAM }),
    validate("query", ListParams),
    async (c) => c.json(await listProjects(c.var.db, c.var.team, c.req.valid("query"))),
  )
  .post(
    "/teams/:team_id/projects/transfer_preview",
    doc({
      summary: "Review a transfer",
      description:
        "What would move (staging and production), what stays, every blocker, and the implications to acknowledge. Changes nothing.",
      tags: ["Transfers"],
      responses: { 200: TransferPreviewObject },
      errors: [...IN_PROJECT, ...IDEMPOTENT, "destination_is_source"],
      write: true,
    }),
    validate("json", TransferPreview),
    async (c) => c.json(await previewTransfer(c.var.db, c.var.team, c.req.valid("json"))),
  )
  .get(
    "/teams/:team_id/projects/:project_id",
    doc({ summary: "Get a project", tags: ["Projects"], responses: { 200: ProjectObject }, errors: IN_PROJECT }),
    (c) => c.json(serializeProject(c.var.project)),
  )
  .patch(
    "/teams/:team_id/projects/:project_id",
    doc({ summary: "Rename a project", tags: ["Projects"], responses: { 200: ProjectObject }, errors: IN_PROJECT, write: true }),
    validate("json", PatchProject),
    async (c) => c.json(serializeProject(await updateProject(projectScope(c), c.req.valid("json")))),
  )
  .delete(
    "/teams/:team_id/projects/:project_id",
    doc({
      summary: "Delete a project",
      description: "With its environments and everything they own; never the team's last project.",
      tags: ["Projects"],
      responses: { 204: null },
      errors: [...IN_PROJECT, "team_must_keep_project"],
    }),
    async (c) => {
      await deleteProject(projectScope(c));
      return c.body(null, 204);
    },
  )
  .get(
    "/teams/:team_id/transfers",
    doc({
      summary: "List the team's transfers",
      tags: ["Transfers"],
      responses: { 200: ListOf(TransferObject) },
      errors: IN_TEAM,
    }),
    validate("query", ListParams),
    async (c) => c.json(await listTransfers(c.var.db, c.var.team, c.req.valid("query"))),
  );

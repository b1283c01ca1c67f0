import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { ProjectAuditLogSchemaObject } from "../schemas/audit-logs";
import { ListOf } from "../schemas/fields";
import { listProjectSchemas } from "../services/audit-logs";
import { IN_PROJECT } from "./doc";

/** The project's Audit Logs schema versions (created through the environment API, stored once per project). */
export const auditLogSchemaRoutes = createRouter().get(
  "/teams/:team_id/projects/:project_id/audit_log_schemas",
  doc({
    summary: "List Audit Logs schema versions",
    description: "Every version of every action's schema (created through the environment API, stored once per project).",
    tags: ["Project configuration"],
    responses: { 200: ListOf(ProjectAuditLogSchemaObject) },
    errors: IN_PROJECT,
  }),
  validate("query", ListParams),
  async (c) => c.json(await listProjectSchemas(c.var.db, c.var.project.id, c.req.valid("query"))),
);

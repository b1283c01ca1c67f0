import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { listProjectSchemas } from "../services/audit-logs";

/** The project's Audit Logs schema versions (created through the environment API, stored once per project). */
export const auditLogSchemaRoutes = createRouter().get("/teams/:team_id/projects/:project_id/audit_log_schemas", validate("query", ListParams), async (c) =>
  c.json(await listProjectSchemas(c.var.db, c.var.project.id, c.req.valid("query"))),
);

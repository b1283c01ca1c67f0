import { createRouter } from "../lib/router";
import { ListParams } from "../lib/pagination";
import { validate } from "../lib/validation";
import { listProjectSchemas } from "../services/audit-logs";
import { projectOf } from "./email-domains";
import { loadTeam } from "./teams";

const PATH = "/teams/:team_id/projects/:project_id/audit_log_schemas";

/** The project's Audit Logs schema versions (created through the environment API, stored once per project). */
export const auditLogSchemaRoutes = createRouter()
  .use(PATH, loadTeam)
  .get(PATH, validate("query", ListParams), async (c) => c.json(await listProjectSchemas(c.var.db, (await projectOf(c)).id, c.req.valid("query"))));

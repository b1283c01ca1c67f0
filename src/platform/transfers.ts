import { transferIntoExistingProject } from "../commands/transfers";
import { doc } from "../lib/openapi";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { teamScope } from "../middleware/command-scope";
import { TransferIntoExisting, TransferObject } from "../schemas/transfers";
import { serializeTransfer } from "../services/transfers";
import { IDEMPOTENT, IN_TEAM } from "./doc";

export const transferRoutes = createRouter().post(
  "/teams/:team_id/transfers",
  doc({
    summary: "Move environments into an existing project",
    description:
      'Moves environments of one project into another existing project of the team, with everything they own; with `configuration: "copy"` the source\'s feature flags, Audit Logs schemas and custom email domains are copied (identical ones reused). Review it first with `POST …/projects/transfer_preview`. Moving environments back is the same call.',
    tags: ["Transfers"],
    responses: { 201: TransferObject },
    errors: [
      ...IN_TEAM,
      ...IDEMPOTENT,
      "project_not_found",
      "environment_not_found",
      "transfer_requires_acknowledgement",
      "transfer_requires_environments",
      "environments_from_multiple_projects",
      "destination_is_source",
      "source_project_must_keep_environment",
      "source_project_config_not_copyable",
      "configuration_conflict",
      "transfer_preview_stale",
      "transfer_conflict",
      "project_busy",
    ],
    write: true,
  }),
  validate("json", TransferIntoExisting),
  async (c) => {
    const result = await transferIntoExistingProject(teamScope(c), {
      ...c.req.valid("json"),
      idempotency_key: c.req.header("Idempotency-Key"),
    });
    return c.json(serializeTransfer(result.record), 201);
  },
);

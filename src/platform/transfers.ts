import * as v from "valibot";
import { transferIntoExistingProject } from "../commands/transfers";
import { createRouter } from "../lib/router";
import { doc } from "../lib/openapi";
import { Id, validate } from "../lib/validation";
import { MAX_TRANSFER_ENVIRONMENTS, serializeTransfer } from "../services/transfers";
import { loadTeam } from "./teams";

/** Request schemas shared with `POST …/projects` (transfer) and the preview (src/platform/projects.ts). */
export const EnvironmentIds = v.pipe(
  v.array(Id("environment")),
  v.maxLength(MAX_TRANSFER_ENVIRONMENTS, `must list at most ${MAX_TRANSFER_ENVIRONMENTS} environments.`),
);
/** `"copy"`: the source's project-level configuration is copied into the destination. */
export const Configuration = v.optional(v.picklist(["copy"]));
export const PreviewToken = v.optional(v.pipe(v.string(), v.maxLength(100)));

export const TransferIntoExisting = v.strictObject({
  source_project_id: Id("project"),
  destination_project_id: Id("project"),
  environment_ids: EnvironmentIds,
  acknowledge: v.optional(v.boolean()),
  preview_token: PreviewToken,
  configuration: Configuration,
});

const Names = v.object({ feature_flags: v.array(v.string()), audit_log_actions: v.array(v.string()), email_domains: v.array(v.string()) });

/** A transfer record, as `serializeTransfer` returns it. */
export const TransferObject = v.object({
  object: v.literal("transfer"),
  id: v.string(),
  team_id: v.string(),
  source_project_id: v.string(),
  source_project_name: v.string(),
  destination_project_id: v.string(),
  destination_kind: v.picklist(["new", "existing"]),
  environment_ids: v.array(v.string()),
  configuration: v.nullable(v.object({ copied: Names, reused: Names })),
  actor: v.string(),
  created_at: v.string(),
});

export const transferRoutes = createRouter().post(
  "/teams/:team_id/transfers",
  doc({
    summary: "Move environments into an existing project",
    description:
      "Moves environments of one project into another existing project of the team, with everything they own; with `configuration: \"copy\"` the source's feature flags, Audit Logs schemas and custom email domains are copied (identical ones reused). Review it first with `POST …/projects/transfer_preview`. Moving environments back is the same call.",
    tags: ["Transfers"],
    responses: { 201: TransferObject },
    errors: [
      "team_not_found",
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
      "idempotency_key_reused",
      "idempotency_request_in_progress",
      "project_busy",
    ],
    write: true,
  }),
  loadTeam,
  validate("json", TransferIntoExisting),
  async (c) => {
    const scope = { env: c.env, db: c.var.db, caller: c.var.caller, team: c.var.team };
    const result = await transferIntoExistingProject(scope, { ...c.req.valid("json"), idempotency_key: c.req.header("Idempotency-Key") });
    return c.json(serializeTransfer(result.record), 201);
  },
);

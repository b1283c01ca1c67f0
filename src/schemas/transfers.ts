import * as v from "valibot";
import { PrefixedId, DescribedTimestamp as Timestamp } from "./fields";
import { ActorObject } from "./teams";

/** At most this many environments per transfer (keeps the guarded batch under D1's 100 bound parameters). */
export const MAX_TRANSFER_ENVIRONMENTS = 50;

// ---- Input: shared by `POST …/transfers`, `POST …/projects` (with `transfer`) and the preview ------------

export const EnvironmentIds = v.pipe(
  v.array(PrefixedId("environment")),
  v.maxLength(MAX_TRANSFER_ENVIRONMENTS, `must list at most ${MAX_TRANSFER_ENVIRONMENTS} environments.`),
);
/** `"copy"`: the source's project-level configuration is copied into the destination. */
export const Configuration = v.optional(v.picklist(["copy"]));
export const PreviewToken = v.optional(v.pipe(v.string(), v.maxLength(100)));

export const TransferIntoExisting = v.strictObject({
  source_project_id: PrefixedId("project"),
  destination_project_id: PrefixedId("project"),
  environment_ids: EnvironmentIds,
  acknowledge: v.optional(v.boolean()),
  preview_token: PreviewToken,
  configuration: Configuration,
});

/** `transfer` of `POST …/projects`: the new project is the destination. */
export const Transfer = v.strictObject({
  source_project_id: PrefixedId("project"),
  environment_ids: EnvironmentIds,
  acknowledge: v.optional(v.boolean()),
  preview_token: PreviewToken,
  configuration: Configuration,
  /** Accepted only to answer clearly: moving into an existing project is POST …/transfers. */
  destination_project_id: v.optional(v.string()),
});

export const TransferPreview = v.strictObject({
  source_project_id: PrefixedId("project"),
  environment_ids: EnvironmentIds,
  destination_project_id: v.optional(PrefixedId("project")),
  configuration: Configuration,
});

// ---- Objects -----------------------------------------------------------------------------------------

/** Names of the project-level configuration a transfer copied or reused, by kind. */
export const ConfigurationNames = v.object({
  feature_flags: v.array(v.string()),
  audit_log_actions: v.array(v.string()),
  email_domains: v.array(v.string()),
});

export const TransferObject = v.object({
  object: v.literal("transfer"),
  id: v.string(),
  team_id: v.string(),
  source_project_id: v.string(),
  source_project_name: v.string(),
  destination_project_id: v.string(),
  /** `new`: the project was created by this transfer; `existing`: the environments moved into a project of the team. */
  destination_kind: v.picklist(["new", "existing"]),
  environment_ids: v.array(v.string()),
  /** With `configuration: "copy"`: what was copied into the destination, and what was already there identically. */
  configuration: v.nullable(v.object({ copied: ConfigurationNames, reused: ConfigurationNames })),
  actor: ActorObject,
  created_at: Timestamp,
});

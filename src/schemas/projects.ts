import * as v from "valibot";
import { ERROR_CATALOG, type ErrorCode } from "../lib/errors";
import { EnvironmentObject } from "./environments";
import { Name, DescribedTimestamp as Timestamp } from "./fields";
import { ConfigurationNames, Transfer } from "./transfers";

export const CreateProject = v.strictObject({
  name: Name,
  production: v.optional(v.boolean(), true),
  transfer: v.optional(Transfer),
});

export const PatchProject = v.strictObject({ name: Name });

export const ProjectObject = v.object({
  object: v.literal("project"),
  id: v.string(),
  team_id: v.string(),
  name: v.string(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** A project as creating one answers: with its environments. */
export const ProjectWithEnvironmentsObject = v.object({ ...ProjectObject.entries, environments: v.array(EnvironmentObject) });

const Code = v.picklist(Object.keys(ERROR_CATALOG) as [ErrorCode, ...ErrorCode[]]);

export const TransferPreviewObject = v.object({
  object: v.literal("transfer_preview"),
  source_project: ProjectObject,
  environments: v.object({ staging: v.array(EnvironmentObject), production: v.array(EnvironmentObject) }),
  remaining_environments: v.array(EnvironmentObject),
  /** The destination: a new project, or an existing one with its environments before and after the move. */
  destination: v.object({
    kind: v.picklist(["new", "existing"]),
    project: v.nullable(ProjectObject),
    environments_before: v.array(EnvironmentObject),
    environments_after: v.array(EnvironmentObject),
  }),
  /** The source's project-level configuration: copied, reused (identical in the destination) or in conflict. */
  configuration: v.object({
    mode: v.nullable(v.literal("copy")),
    kinds: v.array(v.string()),
    copied: v.nullable(ConfigurationNames),
    reused: v.nullable(ConfigurationNames),
    conflicts: v.nullable(v.object({ feature_flags: v.array(v.string()), audit_log_actions: v.array(v.string()) })),
  }),
  /** Every rule the transfer would break, with the code the transfer itself would answer. */
  blockers: v.array(v.looseObject({ code: Code, message: v.string() })),
  implications: v.array(v.object({ code: v.string(), message: v.string() })),
  transferable: v.boolean(),
  /** Binds the review to the source and the destination as they are: pass it as `preview_token`. */
  preview_token: v.string(),
});

import * as v from "valibot";
import { ListParams } from "../lib/pagination";
import { Name, PrefixedId, DescribedTimestamp as Timestamp } from "./fields";

export const CreateEnvironment = v.strictObject({
  name: Name,
  production: v.optional(v.boolean(), false),
  project_id: v.optional(PrefixedId("project")),
});

/** `project_id` is accepted only to refuse it clearly when it would move the environment. */
export const PatchEnvironment = v.strictObject({
  name: v.optional(Name),
  project_id: v.optional(v.string()),
  require_email_verification: v.optional(v.boolean()),
});

export const ListEnvironments = v.object({ ...ListParams.entries, project_id: v.optional(PrefixedId("project")) });

export const EnvironmentObject = v.object({
  object: v.literal("environment"),
  id: v.string(),
  project_id: v.string(),
  name: v.string(),
  production: v.boolean(),
  /** A production environment of a team without billing. */
  locked: v.boolean(),
  client_id: v.string(),
  /** Sign-in refuses a user whose email is not verified until they verify it (`email_verification_required`). */
  require_email_verification: v.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

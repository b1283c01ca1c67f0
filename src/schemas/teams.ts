import * as v from "valibot";
import { ListParams } from "../lib/pagination";
import { Email, Name, DescribedTimestamp as Timestamp } from "./fields";

// ---- Input -------------------------------------------------------------------------------------------

export const CreateTeam = v.strictObject({ name: Name, admin_email: Email });

export const UsageQuery = v.object({
  period: v.optional(v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month, YYYY-MM.")), () =>
    new Date().toISOString().slice(0, 7),
  ),
  // Pages of projects (with their environments); without `limit`, the whole team.
  limit: v.optional(ListParams.entries.limit.wrapped),
  after: ListParams.entries.after,
});

export const Billing = v.strictObject({
  billing_email: Email,
  payment_method: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(4, "must be at least 4 characters."),
    v.maxLength(100, "must be at most 100 characters."),
  ),
});

// ---- Objects -----------------------------------------------------------------------------------------

export const TeamObject = v.object({
  object: v.literal("team"),
  id: v.string(),
  name: v.string(),
  production_state: v.picklist(["Active", "Inactive"]),
  production_enabled_at: v.nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const BillingObject = v.object({
  object: v.literal("billing"),
  team_id: v.string(),
  billing_email: v.string(),
  /** Only the last four characters are kept. */
  payment_method: v.string(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const Quantities = v.object({ users: v.number(), sso_connections: v.number(), audit_log_events: v.number() });

export const UsageObject = v.object({
  object: v.literal("usage"),
  team_id: v.string(),
  period: v.pipe(v.string(), v.description("The month, YYYY-MM.")),
  currency: v.string(),
  unit_amount_cents: Quantities,
  lines: v.array(
    v.variant("type", [
      v.object({
        object: v.literal("usage_line"),
        type: v.literal("project"),
        project_id: v.string(),
        name: v.string(),
        amount_cents: v.number(),
      }),
      v.object({
        object: v.literal("usage_line"),
        type: v.literal("environment"),
        environment_id: v.string(),
        project_id: v.string(),
        name: v.string(),
        production: v.boolean(),
        quantities: Quantities,
        amount_cents: v.number(),
      }),
    ]),
  ),
  total_cents: v.number(),
  /** Pages of projects: `after` is the cursor of the next page (null on the last one, and without `limit`). */
  list_metadata: v.object({ before: v.null(), after: v.nullable(v.string()) }),
});

/** Who did something: a person acting as a team member, or a platform client. */
export const ActorObject = v.variant("type", [
  v.object({ type: v.literal("member"), id: v.string(), email: v.string() }),
  v.object({ type: v.literal("client"), id: v.string() }),
]);

export const TeamEventObject = v.object({
  object: v.literal("team_event"),
  id: v.string(),
  type: v.string(),
  actor: ActorObject,
  data: v.record(v.string(), v.unknown()),
  created_at: Timestamp,
});

/** A deleted environment whose data (in its own object) is still being erased: listed until it is gone. */
export const StoreDeletionObject = v.object({
  object: v.literal("environment_deletion"),
  environment_id: v.string(),
  project_id: v.string(),
  state: v.literal("pending"),
  requested_at: Timestamp,
  /** Attempts that failed so far (the object is retried until it is empty). */
  attempts: v.number(),
});

import { foreignKey, index, integer, primaryKey, sqliteTable, text, unique, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamps } from "./columns";

/** A team belongs to the platform client that created it; every lookup is scoped by `owner_client_id`. */
export const teams = sqliteTable(
  "teams",
  {
    id: text("id").primaryKey(),
    ownerClientId: text("owner_client_id").notNull(),
    name: text("name").notNull(),
    adminEmail: text("admin_email").notNull(),
    /** null while production is Inactive; set once billing is added. */
    productionEnabledAt: text("production_enabled_at"),
    ...timestamps,
  },
  (t) => [index("teams_owner_idx").on(t.ownerClientId, t.id)],
);

/** Billing information; only an obfuscated payment method is ever stored. */
export const teamBilling = sqliteTable("team_billing", {
  teamId: text("team_id")
    .primaryKey()
    .references(() => teams.id, { onDelete: "cascade" }),
  billingEmail: text("billing_email").notNull(),
  paymentMethod: text("payment_method").notNull(),
  ...timestamps,
});

export const projects = sqliteTable(
  "projects",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    ...timestamps,
  },
  (t) => [
    index("projects_team_idx").on(t.teamId, t.id),
    // Target of environments' composite foreign key: an environment's project is of the environment's team.
    unique("projects_id_team_unq").on(t.id, t.teamId),
  ],
);

/**
 * An environment references its project and, through a composite foreign key, the project's team:
 * the database itself refuses an environment in another team's project. `locked` is not stored:
 * it is derived (production && the team's production is Inactive).
 */
export const environments = sqliteTable(
  "environments",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull(),
    projectId: text("project_id").notNull(),
    name: text("name").notNull(),
    production: integer("production", { mode: "boolean" }).notNull(),
    clientId: text("client_id").notNull(),
    ...timestamps,
    /** Sign-in refuses a user whose email is not verified until they verify it (services/sign-in/email-verification.ts). */
    requireEmailVerification: integer("require_email_verification", { mode: "boolean" }).notNull().default(false),
    /**
     * Where the environment's data lives (migrations/0014_data_location.sql): its own object for every environment
     * created now; D1 for one made before, until `npm run migrate:environments` moves it ('moving' meanwhile).
     */
    dataLocation: text("data_location", { enum: ["d1", "moving", "object"] })
      .notNull()
      .$defaultFn(() => "object"),
  },
  (t) => [
    foreignKey({ columns: [t.projectId, t.teamId], foreignColumns: [projects.id, projects.teamId] }).onDelete("cascade"),
    index("environments_project_idx").on(t.projectId, t.id),
    index("environments_team_idx").on(t.teamId, t.id),
    // The operator's list by data location (migrations/0019_environments_by_location.sql).
    index("environments_location_idx").on(t.dataLocation, t.id),
    uniqueIndex("environments_client_id_unq").on(t.clientId),
  ],
);

/** Project-level configuration a transfer copied into its destination, or found there already (reused). */
export interface TransferConfiguration {
  copied: { feature_flags: string[]; audit_log_actions: string[]; email_domains: string[] };
  reused: { feature_flags: string[]; audit_log_actions: string[]; email_domains: string[] };
}

/** The record of every transfer; moving back is another transfer. */
export const transfers = sqliteTable(
  "transfers",
  {
    id: text("id").notNull(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    sourceProjectId: text("source_project_id").notNull(),
    sourceProjectName: text("source_project_name").notNull(),
    destinationProjectId: text("destination_project_id").notNull(),
    /** "new": the project the transfer created; "existing": a project that was there before. */
    destinationKind: text("destination_kind", { enum: ["new", "existing"] })
      .notNull()
      .default("new"),
    environmentIds: text("environment_ids", { mode: "json" }).$type<string[]>().notNull(),
    /** NOT NULL is the batch's guard: the insert yields NULL here when the rules do not hold, aborting it. */
    environmentCount: integer("environment_count").notNull(),
    actor: text("actor").notNull(),
    /** What was copied into the destination with `configuration: "copy"` (null: nothing asked). */
    configuration: text("configuration", { mode: "json" }).$type<TransferConfiguration>(),
    createdAt: timestamps.createdAt,
  },
  // WITHOUT ROWID in migrations/0005 (drizzle cannot say it): the record is its own (team_id, id) index,
  // one row written per transfer.
  (t) => [primaryKey({ columns: [t.teamId, t.id] })],
);

/** What happened in a team, newest first. */
export const teamEvents = sqliteTable(
  "team_events",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    actor: text("actor").notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [index("team_events_team_idx").on(t.teamId, t.id)],
);

/** Idempotency-Key records: the first response to a key, replayed for 24 h. `status` is null while in flight. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** Whose key it is (a platform client, an environment); stored in the `scope` column. */
    owner: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status"),
    body: text("body"),
    createdAt: timestamps.createdAt,
  },
  (t) => [primaryKey({ columns: [t.owner, t.key] })],
);

/**
 * Environments deleted from D1 whose object is not emptied yet (migrations/0017_store_deletions.sql): written with the
 * deletion, removed by the project's coordinator once the object is empty (coordinator/store-deletions.ts).
 */
export const storeDeletions = sqliteTable(
  "store_deletions",
  {
    environmentId: text("environment_id").primaryKey(),
    teamId: text("team_id").notNull(),
    projectId: text("project_id").notNull(),
    requestedAt: text("requested_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [
    index("store_deletions_team_idx").on(t.teamId, t.environmentId),
    index("store_deletions_project_idx").on(t.projectId, t.environmentId),
  ],
);

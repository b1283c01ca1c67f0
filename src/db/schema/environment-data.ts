import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamps } from "./columns";
import { featureFlags } from "./project-config";
import { environments, teams } from "./teams";

/**
 * Everything an environment owns references `environment_id` only (never the project or team),
 * so a transfer rewrites one column of the moved environment rows and nothing here.
 */
const environmentId = () =>
  text("environment_id")
    .notNull()
    .references(() => environments.id, { onDelete: "cascade" });

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    name: text("name").notNull(),
    /** SHA-256 of the secret, hex; the value itself is shown once and never stored. */
    valueHash: text("value_hash").notNull(),
    /** Last characters of the value, to tell keys apart in lists. */
    valueSuffix: text("value_suffix").notNull(),
    expiresAt: text("expires_at"),
    lastUsedAt: text("last_used_at"),
    ...timestamps,
  },
  (t) => [
    index("api_keys_environment_idx").on(t.environmentId, t.id),
    uniqueIndex("api_keys_hash_unq").on(t.valueHash),
    // The live keys with an expiry, read as a range (expired ones never are): services/environment-summary.ts.
    index("api_keys_expiry_idx").on(t.environmentId, t.expiresAt),
  ],
);

export const applications = sqliteTable(
  "applications",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    name: text("name").notNull(),
    type: text("type", { enum: ["web", "mobile", "desktop"] }).notNull(),
    clientId: text("client_id").notNull(),
    redirectUris: text("redirect_uris", { mode: "json" }).$type<string[]>().notNull(),
    /** Where `GET /user_management/sessions/logout` may send the browser back to (exact match). */
    logoutRedirectUris: text("logout_redirect_uris", { mode: "json" }).$type<string[]>().notNull().default([]),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    ...timestamps,
  },
  (t) => [
    index("applications_environment_idx").on(t.environmentId, t.id),
    uniqueIndex("applications_client_id_unq").on(t.clientId),
  ],
);

export const organizations = sqliteTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    name: text("name").notNull(),
    allowProfilesOutsideOrganization: integer("allow_profiles_outside_organization", { mode: "boolean" })
      .notNull()
      .default(false),
    externalId: text("external_id"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, string>>().notNull().default({}),
    ...timestamps,
    /**
     * Its organization_domains rows in id order (a copy, so that a page of organizations reads one row each):
     * rewritten from those rows in the same batch as every change to them (services/organization-domains.ts).
     */
    domains: text("domains", { mode: "json" }).$type<OrganizationDomainRow[]>().notNull().default([]),
  },
  (t) => [
    index("organizations_environment_idx").on(t.environmentId, t.id),
    uniqueIndex("organizations_external_id_unq").on(t.environmentId, t.externalId),
  ],
);

export const organizationDomains = sqliteTable(
  "organization_domains",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    domain: text("domain").notNull(),
    state: text("state").notNull(),
    verificationStrategy: text("verification_strategy").notNull(),
    ...timestamps,
  },
  (t) => [
    index("organization_domains_org_idx").on(t.organizationId),
    // The domains of a page of organizations: one range (the page is a contiguous run of the environment's ids).
    index("organization_domains_environment_org_idx").on(t.environmentId, t.organizationId, t.id),
    // A domain belongs to at most one organization of an environment.
    uniqueIndex("organization_domains_domain_unq").on(t.environmentId, t.domain),
  ],
);

/**
 * An organization_domains row, as the `domains` copies hold it (spelled out: inferring it from the table would
 * make the tables' types circular; services/organization-domains.ts checks that both stay the same).
 */
export interface OrganizationDomainRow {
  id: string;
  environmentId: string;
  organizationId: string;
  domain: string;
  state: string;
  verificationStrategy: string;
  createdAt: string;
  updatedAt: string;
}

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    email: text("email").notNull(),
    /** WorkOS's `name`; when absent it is derived from the first and last names. */
    name: text("name"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    locale: text("locale"),
    emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
    profilePictureUrl: text("profile_picture_url"),
    passwordHash: text("password_hash"),
    externalId: text("external_id"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, string>>().notNull().default({}),
    lastSignInAt: text("last_sign_in_at"),
    ...timestamps,
  },
  (t) => [
    index("users_environment_idx").on(t.environmentId, t.id),
    uniqueIndex("users_email_unq").on(t.environmentId, t.email),
    uniqueIndex("users_external_id_unq").on(t.environmentId, t.externalId),
  ],
);

export const organizationMemberships = sqliteTable(
  "organization_memberships",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    roleSlug: text("role_slug").notNull().default("member"),
    status: text("status").notNull().default("active"),
    ...timestamps,
  },
  (t) => [
    index("organization_memberships_environment_idx").on(t.environmentId, t.id),
    uniqueIndex("organization_memberships_org_user_unq").on(t.organizationId, t.userId),
    index("organization_memberships_user_idx").on(t.userId, t.id),
    // An organization's memberships, page by page.
    index("organization_memberships_org_idx").on(t.organizationId, t.id),
    // The `statuses` filter: one seek per status, whichever column (environment, user or organization) leads.
    index("organization_memberships_environment_status_idx").on(t.environmentId, t.status, t.id),
    index("organization_memberships_user_status_idx").on(t.userId, t.status, t.id),
    index("organization_memberships_org_status_idx").on(t.organizationId, t.status, t.id),
  ],
);

export const connections = sqliteTable(
  "connections",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    connectionType: text("connection_type").notNull(),
    name: text("name").notNull(),
    state: text("state").notNull().default("active"),
    ...timestamps,
    /** Its organization's `domains`, copied in the same batch as every change to them (a page reads one row each). */
    domains: text("domains", { mode: "json" }).$type<OrganizationDomainRow[]>().notNull().default([]),
  },
  (t) => [
    index("connections_environment_idx").on(t.environmentId, t.id),
    index("connections_org_idx").on(t.organizationId, t.id),
    // The `connection_type` filter (the `domain` filter goes through the domain's organization: connections_org_idx).
    index("connections_type_idx").on(t.environmentId, t.connectionType, t.id),
  ],
);

export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    endpointUrl: text("endpoint_url").notNull(),
    /** Kept (not hashed): every delivery is signed with it. */
    secret: text("secret").notNull(),
    status: text("status", { enum: ["enabled", "disabled"] })
      .notNull()
      .default("enabled"),
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    ...timestamps,
  },
  (t) => [
    index("webhook_endpoints_environment_idx").on(t.environmentId, t.id),
    uniqueIndex("webhook_endpoints_url_unq").on(t.environmentId, t.endpointUrl),
  ],
);

/** Events of an environment (listable for 30 days, delivered to its webhook endpoints). */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    event: text("event").notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    organizationId: text("organization_id"),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    index("events_environment_idx").on(t.environmentId, t.id),
    index("events_environment_event_idx").on(t.environmentId, t.event, t.id),
    index("events_environment_org_idx").on(t.environmentId, t.organizationId, t.id),
  ],
);

/** One delivery of one event to one endpoint, retried with backoff; each attempt is recorded. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    state: text("state", { enum: ["pending", "delivered", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("webhook_deliveries_endpoint_event_unq").on(t.endpointId, t.eventId),
    // The environment's dispatcher looks up its due deliveries.
    index("webhook_deliveries_due_idx").on(t.environmentId, t.state, t.nextAttemptAt),
  ],
);

export const webhookDeliveryAttempts = sqliteTable(
  "webhook_delivery_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [index("webhook_delivery_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);

/** Per-environment branding; one JSON document validated at the edge. Absent row = default branding. */
export const brandings = sqliteTable("brandings", {
  environmentId: environmentId().primaryKey(),
  settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  ...timestamps,
});

/** Whether a project-level flag is on in this environment, and for which targets. */
export const featureFlagStates = sqliteTable(
  "feature_flag_states",
  {
    environmentId: environmentId(),
    flagId: text("flag_id")
      .notNull()
      .references(() => featureFlags.id, { onDelete: "cascade" }),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.flagId] })],
);

export const featureFlagTargets = sqliteTable(
  "feature_flag_targets",
  {
    environmentId: environmentId(),
    flagId: text("flag_id")
      .notNull()
      .references(() => featureFlags.id, { onDelete: "cascade" }),
    /** An organization (`org_…`) or user (`user_…`) id of this environment; deleted with it (triggers, migration 0009). */
    targetId: text("target_id").notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    primaryKey({ columns: [t.environmentId, t.flagId, t.targetId] }),
    index("feature_flag_targets_target_idx").on(t.environmentId, t.targetId),
  ],
);

export const auditLogEvents = sqliteTable(
  "audit_log_events",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    organizationId: text("organization_id").notNull(),
    action: text("action").notNull(),
    schemaVersion: integer("schema_version"),
    occurredAt: text("occurred_at").notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    idempotencyKey: text("idempotency_key"),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    index("audit_log_events_environment_idx").on(t.environmentId, t.id),
    uniqueIndex("audit_log_events_idempotency_unq").on(t.environmentId, t.idempotencyKey),
  ],
);

/**
 * Usage counters, per environment, metric and period (`YYYY-MM`), kept in the same D1 batch as the write
 * they count (see services/usage.ts for what each metric means). `period = 'total'` holds the running
 * count of rows that exist now (users, connections); it sorts after every `YYYY-MM`, so a report for
 * period P reads one range (period >= P) per environment.
 */
export const usageCounters = sqliteTable(
  "usage_counters",
  {
    environmentId: environmentId(),
    period: text("period").notNull(),
    metric: text("metric", { enum: ["users", "sso_connections", "audit_log_events"] }).notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.period, t.metric] })],
);

/**
 * A team's usage per period and metric: the sum of its production environments' usage_counters rows, kept by
 * triggers on usage_counters and environments (migrations/0013_team_usage_counters.sql), never written by the
 * app. The billing page's team total reads a few of these rows instead of every environment's counters.
 */
export const teamUsageCounters = sqliteTable(
  "team_usage_counters",
  {
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    period: text("period").notNull(),
    metric: text("metric", { enum: ["users", "sso_connections", "audit_log_events"] }).notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.period, t.metric] })],
);

/**
 * What each environment holds, counted exactly by the database: one row per environment, inserted by a trigger
 * when the environment is, and moved by AFTER INSERT / DELETE triggers on each counted table (migration 0008),
 * cascades included. Keyed by environment: a transfer moves it with its environment. Read by the transfer
 * review (services/environment-summary.ts) instead of COUNT(*)s over millions of rows. Never written by the app.
 * Keys: only those without an expiry (migration 0009); a key with one is live until a time that passes with no
 * write, so the reader adds those still ahead.
 */
export const environmentTotals = sqliteTable("environment_totals", {
  environmentId: environmentId().primaryKey(),
  users: integer("users").notNull().default(0),
  organizations: integer("organizations").notNull().default(0),
  connections: integer("connections").notNull().default(0),
  apiKeysWithoutExpiry: integer("api_keys_without_expiry").notNull().default(0),
  webhookEndpoints: integer("webhook_endpoints").notNull().default(0),
});

/**
 * The newest usage roll-up each object has written into usage_counters (migrations/0016_usage_rollups.sql): a
 * roll-up applies only with a version above this one, so a replay changes nothing. D1 only.
 */
export const usageRollups = sqliteTable("usage_rollups", {
  environmentId: text("environment_id")
    .primaryKey()
    .references(() => environments.id, { onDelete: "cascade" }),
  version: integer("version").notNull(),
  rolledUpAt: text("rolled_up_at").notNull(),
});

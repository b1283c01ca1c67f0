import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamps } from "./columns";
import { projects } from "./teams";

/**
 * Project-level configuration, shared by every environment of a project: it references `project_id` only.
 * Its presence blocks transferring environments out of the project (see services/project-config-kinds.ts).
 */
const projectId = () =>
  text("project_id")
    .notNull()
    .references(() => projects.id, { onDelete: "cascade" });

export const featureFlags = sqliteTable(
  "feature_flags",
  {
    id: text("id").primaryKey(),
    projectId: projectId(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
    defaultValue: integer("default_value", { mode: "boolean" }).notNull().default(false),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("feature_flags_slug_unq").on(t.projectId, t.slug),
    index("feature_flags_project_idx").on(t.projectId, t.id),
  ],
);

/** Versioned Audit Logs schemas, one series per action, stored once for the project. */
export const auditLogSchemas = sqliteTable(
  "audit_log_schemas",
  {
    id: text("id").primaryKey(),
    projectId: projectId(),
    action: text("action").notNull(),
    version: integer("version").notNull(),
    schema: text("schema", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    uniqueIndex("audit_log_schemas_version_unq").on(t.projectId, t.action, t.version),
    index("audit_log_schemas_project_idx").on(t.projectId, t.id),
  ],
);

export const emailDomains = sqliteTable(
  "email_domains",
  {
    id: text("id").primaryKey(),
    projectId: projectId(),
    domain: text("domain").notNull(),
    state: text("state", { enum: ["pending", "verified", "failed"] })
      .notNull()
      .default("pending"),
    dnsRecords: text("dns_records", { mode: "json" }).$type<{ type: string; name: string; value: string }[]>().notNull(),
    verifiedAt: text("verified_at"),
    lastCheckedAt: text("last_checked_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("email_domains_domain_unq").on(t.projectId, t.domain),
    index("email_domains_project_idx").on(t.projectId, t.id),
  ],
);

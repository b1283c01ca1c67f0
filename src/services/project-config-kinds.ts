import { eq, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { auditLogSchemas, emailDomains, featureFlags } from "../db/schema";
import type { Database } from "../env";

/**
 * The kinds of project-level configuration that cannot be copied to a new project yet, and so block a
 * transfer out of a project that has any. Supporting the copy of one kind later = removing it here.
 */
export const UNCOPYABLE_PROJECT_CONFIG = [
  { kind: "feature_flags", label: "feature flags", table: featureFlags, projectId: featureFlags.projectId },
  { kind: "audit_log_schema", label: "an Audit Logs schema", table: auditLogSchemas, projectId: auditLogSchemas.projectId },
  { kind: "custom_email_domains", label: "custom email domains", table: emailDomains, projectId: emailDomains.projectId },
] as const satisfies readonly { kind: string; label: string; table: SQLiteTable; projectId: SQLiteColumn }[];

export type ProjectConfigKind = (typeof UNCOPYABLE_PROJECT_CONFIG)[number]["kind"];

/** SQL that is true when the project has none of the uncopyable kinds (one indexed EXISTS each). */
export const noUncopyableConfig = (projectId: string): SQL =>
  sql.join(
    UNCOPYABLE_PROJECT_CONFIG.map((k) => sql`NOT EXISTS (SELECT 1 FROM ${k.table} WHERE ${eq(k.projectId, projectId)})`),
    sql` AND `,
  );

/** Which uncopyable kinds the project has, in one query. */
export async function uncopyableConfigOf(db: Database, projectId: string): Promise<ProjectConfigKind[]> {
  const columns = Object.fromEntries(
    UNCOPYABLE_PROJECT_CONFIG.map((k) => [k.kind, sql<number>`EXISTS (SELECT 1 FROM ${k.table} WHERE ${eq(k.projectId, projectId)})`]),
  );
  const row = (await db.select(columns).from(sql`(SELECT 1)`).get()) as Record<ProjectConfigKind, number>;
  return UNCOPYABLE_PROJECT_CONFIG.filter((k) => Boolean(row[k.kind])).map((k) => k.kind);
}

export const labelOf = (kind: ProjectConfigKind) => UNCOPYABLE_PROJECT_CONFIG.find((k) => k.kind === kind)!.label;

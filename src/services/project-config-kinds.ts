import { eq, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { auditLogSchemas, emailDomains, featureFlags } from "../db/schema";
import type { Database } from "../env";
import type { Statement } from "../lib/batch";

/**
 * The kinds of project-level configuration. A transfer out of a project that has any is refused unless
 * it asks for `configuration: "copy"`, which copies each kind into the destination (the copy functions
 * live with their domain: feature-flags.ts, audit-logs.ts, email-domains.ts). A new kind goes here.
 */
export const PROJECT_CONFIG_KINDS = [
  { kind: "feature_flags", label: "feature flags", table: featureFlags, projectId: featureFlags.projectId },
  { kind: "audit_log_schema", label: "an Audit Logs schema", table: auditLogSchemas, projectId: auditLogSchemas.projectId },
  { kind: "custom_email_domains", label: "custom email domains", table: emailDomains, projectId: emailDomains.projectId },
] as const satisfies readonly { kind: string; label: string; table: SQLiteTable; projectId: SQLiteColumn }[];

export type ProjectConfigKind = (typeof PROJECT_CONFIG_KINDS)[number]["kind"];

/** SQL that is true when the project has no project-level configuration (one indexed EXISTS each). */
export const noUncopyableConfig = (projectId: string): SQL =>
  sql.join(
    PROJECT_CONFIG_KINDS.map((k) => sql`NOT EXISTS (SELECT 1 FROM ${k.table} WHERE ${eq(k.projectId, projectId)})`),
    sql` AND `,
  );

/** Which kinds the project has, in one query. */
export async function uncopyableConfigOf(db: Database, projectId: string): Promise<ProjectConfigKind[]> {
  const columns = Object.fromEntries(
    PROJECT_CONFIG_KINDS.map((k) => [k.kind, sql<number>`EXISTS (SELECT 1 FROM ${k.table} WHERE ${eq(k.projectId, projectId)})`]),
  );
  const row = (await db.select(columns).from(sql`(SELECT 1)`).get()) as Record<ProjectConfigKind, number>;
  return PROJECT_CONFIG_KINDS.filter((k) => Boolean(row[k.kind])).map((k) => k.kind);
}

/**
 * Which kinds each project has, in one query whatever their number (one indexed EXISTS per kind and project,
 * over the ids as a JSON array, which D1 bills a row each). One query per project would cost no rows more, but
 * D1 counts every statement of a batch against its queries per invocation (50 on the Free plan).
 */
export async function uncopyableConfigOfProjects(db: Database, projectIds: string[]): Promise<ProjectConfigKind[][]> {
  if (projectIds.length === 0) return [];
  const columns = Object.fromEntries(
    PROJECT_CONFIG_KINDS.map((k) => [k.kind, sql<number>`EXISTS (SELECT 1 FROM ${k.table} WHERE ${k.projectId} = ids.value)`]),
  );
  const rows = (await db
    .select({ id: sql<string>`ids.value`, ...columns })
    .from(sql`json_each(${JSON.stringify(projectIds)}) AS ids`)
    .all()) as ({ id: string } & Record<ProjectConfigKind, number>)[];
  const byId = new Map(rows.map((row) => [row.id, PROJECT_CONFIG_KINDS.filter((k) => Boolean(row[k.kind])).map((k) => k.kind)]));
  return projectIds.map((id) => byId.get(id) ?? []);
}

export const labelOf = (kind: ProjectConfigKind) => PROJECT_CONFIG_KINDS.find((k) => k.kind === kind)!.label;

/**
 * A project's configuration as one string: every flag's id and last update, every schema version's id,
 * every email domain's id. The transfer's batch compares it, in SQL, with the value read when the transfer
 * was assessed: any flag added, edited or removed, any schema version or domain added or removed on either
 * side in between aborts the batch (a write that went around the coordinator cannot make it copy stale
 * configuration or collide with new configuration). One bound parameter whatever the size.
 */
export const configSignatureSql = (projectId: string): SQL =>
  sql`(SELECT coalesce(group_concat(s, ','), '') FROM (
    SELECT 'f:' || id || '@' || updated_at AS s FROM ${featureFlags} WHERE ${featureFlags.projectId} = ${projectId}
    UNION ALL SELECT 's:' || id FROM ${auditLogSchemas} WHERE ${auditLogSchemas.projectId} = ${projectId}
    UNION ALL SELECT 'd:' || id FROM ${emailDomains} WHERE ${emailDomains.projectId} = ${projectId}
    ORDER BY 1))`;

/** The same signature computed from the rows (must match `configSignatureSql` byte for byte). */
export function configSignature(config: {
  flags: { id: string; updatedAt: string }[];
  schemas: { id: string }[];
  domains: { id: string }[];
}) {
  return [
    ...config.flags.map((f) => `f:${f.id}@${f.updatedAt}`),
    ...config.schemas.map((s) => `s:${s.id}`),
    ...config.domains.map((d) => `d:${d.id}`),
  ]
    .sort(binary)
    .join(",");
}

/** SQLite's default (BINARY) collation order. */
const binary = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Multi-row inserts kept under D1's 100 bound parameters per statement. */
export function insertChunks<T>(db: Database, table: SQLiteTable, rows: T[], columnsPerRow: number): Statement[] {
  const size = Math.max(1, Math.floor(100 / columnsPerRow));
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; i += size) out.push(db.insert(table).values(rows.slice(i, i + size) as never));
  return out;
}

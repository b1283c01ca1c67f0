import { and, desc, eq, max } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { auditLogEvents, auditLogSchemas, environments, organizations } from "../db/schema";
import type { Database, StoreDatabase } from "../env";
import { batch } from "../lib/batch";
import { canonicalJson } from "../lib/crypto";
import { ApiError, type FieldError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { AuditLogActionObject, AuditLogEventCreated, AuditLogSchemaObject } from "../schemas/audit-logs";
import type { ListOf } from "../schemas/fields";
import type { EnvironmentRow } from "./environments";
import { insertChunks } from "./project-config-kinds";
import { countCreated } from "./usage";

/**
 * Audit Logs: schemas versioned per action for the whole project (every environment of the project uses them),
 * events stored per environment. Shapes are WorkOS's: metadata is `{type:"object", properties:{key:{type}}}`.
 */
export type MetadataType = "string" | "number" | "boolean";
export interface MetadataSchema {
  type: "object";
  properties: Record<string, { type: MetadataType }>;
}
export interface AuditLogSchemaBody {
  targets: { type: string; metadata?: MetadataSchema }[];
  actor?: { metadata?: MetadataSchema };
  metadata?: MetadataSchema;
}
type SchemaRow = typeof auditLogSchemas.$inferSelect;

export const serializeSchema = (r: SchemaRow): InferOutput<typeof AuditLogSchemaObject> => {
  const s = r.schema as unknown as AuditLogSchemaBody;
  return {
    object: "audit_log_schema" as const,
    id: r.id,
    version: r.version,
    targets: s.targets,
    actor: s.actor ?? { metadata: { type: "object", properties: {} } },
    metadata: s.metadata,
    created_at: r.createdAt,
  };
};

export interface CreateAuditLogSchemaOp {
  projectId: string;
  environmentId: string;
  action: string;
  schema: AuditLogSchemaBody;
  /** id of the new version's row, minted before the first attempt */
  id: string;
}

/** Adds the next version of an action's schema (in the project's coordinator: serialized with transfers out). */
export async function applyCreateAuditLogSchema(db: Database, op: CreateAuditLogSchemaOp): Promise<SchemaRow> {
  const again = await db.select().from(auditLogSchemas).where(eq(auditLogSchemas.id, op.id)).get();
  if (again) return again; // a retry of an operation that already committed
  // The key named the environment before this operation waited its turn: a transfer may have moved it since,
  // and its schemas must then go to its new project (the client retries; its next request reads the new one).
  const env = await db
    .select({ projectId: environments.projectId })
    .from(environments)
    .where(eq(environments.id, op.environmentId))
    .get();
  if (env?.projectId !== op.projectId) throw new ApiError("environment_moved");
  const latest = await db
    .select({ v: max(auditLogSchemas.version) })
    .from(auditLogSchemas)
    .where(and(eq(auditLogSchemas.projectId, op.projectId), eq(auditLogSchemas.action, op.action)))
    .get();
  const row: SchemaRow = {
    id: op.id,
    projectId: op.projectId,
    action: op.action,
    version: (latest?.v ?? 0) + 1,
    schema: op.schema as unknown as Record<string, unknown>,
    createdAt: new Date().toISOString(),
  };
  await db.insert(auditLogSchemas).values(row);
  return row;
}

export async function listSchemas(db: Database, projectId: string, action: string, params: ListParams) {
  const q = paginate(auditLogSchemas.id, params);
  const rows = await db
    .select()
    .from(auditLogSchemas)
    .where(where(eq(auditLogSchemas.projectId, projectId), eq(auditLogSchemas.action, action), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  if (rows.length === 0 && !params.after && !params.before && !(await latestSchema(db, projectId, action)))
    throw notFound("audit_log_action");
  return q.page(rows, serializeSchema);
}

/** Every schema version of a project (Platform API). */
export async function listProjectSchemas(db: Database, projectId: string, params: ListParams) {
  const q = paginate(auditLogSchemas.id, params);
  const rows = await db
    .select()
    .from(auditLogSchemas)
    .where(where(eq(auditLogSchemas.projectId, projectId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, (r) => ({ ...serializeSchema(r), action: r.action, project_id: r.projectId }));
}

/** Actions of the project, each with its latest schema (at most a page of actions, by name). */
export async function listActions(
  db: Database,
  projectId: string,
  limit: number,
): Promise<InferOutput<ReturnType<typeof ListOf<typeof AuditLogActionObject>>>> {
  const rows = await db
    .select()
    .from(auditLogSchemas)
    .where(eq(auditLogSchemas.projectId, projectId))
    .orderBy(auditLogSchemas.action, desc(auditLogSchemas.version))
    .limit(1000);
  const latest = new Map<string, SchemaRow>();
  for (const r of rows) if (!latest.has(r.action)) latest.set(r.action, r);
  const data = [...latest.values()].slice(0, limit).map((r) => ({
    object: "audit_log_action" as const,
    name: r.action,
    schema: serializeSchema(r),
    created_at: r.createdAt,
    updated_at: r.createdAt,
  }));
  return { object: "list", data, list_metadata: { before: null, after: null } };
}

const latestSchema = (db: Database, projectId: string, action: string, version?: number) =>
  db
    .select()
    .from(auditLogSchemas)
    .where(
      where(
        eq(auditLogSchemas.projectId, projectId),
        eq(auditLogSchemas.action, action),
        version === undefined ? undefined : eq(auditLogSchemas.version, version),
      ),
    )
    .orderBy(desc(auditLogSchemas.version))
    .limit(1)
    .get();

export interface AuditEvent {
  action: string;
  version?: number;
  occurred_at: string;
  actor: { id: string; type: string; name?: string; metadata?: Record<string, unknown> };
  targets: { id: string; type: string; name?: string; metadata?: Record<string, unknown> }[];
  context: { location: string; user_agent?: string };
  metadata?: Record<string, unknown>;
}

/**
 * Stores an event of an organization of this environment, checked against its action's schema (latest, or
 * `version`): the schema is the project's (D1), the organization and the event the environment's (`store`).
 */
export async function recordAuditEvent(
  db: Database,
  store: StoreDatabase,
  env: EnvironmentRow,
  organizationId: string,
  event: AuditEvent,
  idempotencyKey: string | undefined,
): Promise<InferOutput<typeof AuditLogEventCreated>> {
  const org = await store
    .select({ id: organizations.id })
    .from(organizations)
    .where(and(eq(organizations.id, organizationId), eq(organizations.environmentId, env.id)))
    .get();
  if (!org) throw notFound("organization", organizationId);
  const schema = await latestSchema(db, env.projectId, event.action, event.version);
  if (event.version !== undefined && !schema)
    throw new ApiError("validation_failed", `No schema version ${event.version} for action ${event.action}.`, {
      errors: [{ field: "event.version", code: "invalid_value", message: "is not a version of this action's schema." }],
    });
  // WorkOS accepts events of actions without a schema; with one, the event must fit it.
  const errors = schema ? misfits(schema.schema as unknown as AuditLogSchemaBody, event) : [];
  if (errors.length)
    throw new ApiError(
      "validation_failed",
      `The event does not fit the schema of ${event.action} (version ${schema?.version}).`,
      { errors },
    );
  const id = newId("auditLogEvent");
  await batch(store, [
    store
      .insert(auditLogEvents)
      .values({
        id,
        environmentId: env.id,
        organizationId,
        action: event.action,
        schemaVersion: schema?.version ?? null,
        occurredAt: event.occurred_at,
        data: event as unknown as Record<string, unknown>,
        idempotencyKey: idempotencyKey ?? null,
      })
      // The same key twice (e.g. retried after the replay window) is the same event.
      .onConflictDoNothing(),
    // Counted in the same batch; a duplicate (nothing inserted under this id) counts 0.
    countCreated(store, "audit_log_events", id),
  ]);
  return { success: true };
}

/** Every field of the event that does not fit the schema, named by its path. */
export function misfits(schema: AuditLogSchemaBody, event: AuditEvent): FieldError[] {
  const errors: FieldError[] = [];
  const declared = new Map(schema.targets.map((t) => [t.type, t]));
  event.targets.forEach((t, i) => {
    const def = declared.get(t.type);
    if (!def)
      errors.push({
        field: `event.targets.${i}.type`,
        code: "invalid_value",
        message: `must be one of the schema's target types: ${[...declared.keys()].join(", ")}.`,
      });
    else checkMetadata(def.metadata, t.metadata, `event.targets.${i}.metadata`, errors);
  });
  for (const type of declared.keys())
    if (!event.targets.some((t) => t.type === type))
      errors.push({ field: "event.targets", code: "required", message: `must include a target of type ${type}.` });
  checkMetadata(schema.actor?.metadata, event.actor.metadata, "event.actor.metadata", errors);
  checkMetadata(schema.metadata, event.metadata, "event.metadata", errors);
  return errors;
}

function checkMetadata(
  def: MetadataSchema | undefined,
  value: Record<string, unknown> | undefined,
  path: string,
  errors: FieldError[],
) {
  const props = def?.properties ?? {};
  for (const [key, { type }] of Object.entries(props)) {
    const v = value?.[key];
    if (v === undefined) errors.push({ field: `${path}.${key}`, code: "required", message: "is required by the schema." });
    else if (typeof v !== type) errors.push({ field: `${path}.${key}`, code: "invalid_type", message: `must be a ${type}.` });
  }
  for (const key of Object.keys(value ?? {}))
    if (!(key in props)) errors.push({ field: `${path}.${key}`, code: "unknown_field", message: "is not in the schema." });
}

// ---- Transfers: copying a project's schemas into another project -------------------------------------

/**
 * How the source's Audit Logs schemas go into a destination, by action: an action the destination lacks
 * is copied with every version (same action names and version numbers, new ids); an action it has whose
 * latest version is the same (number and schema) is reused as it is; otherwise it is a conflict.
 */
export function planAuditLogSchemaCopy(source: SchemaRow[], destination: SchemaRow[]) {
  const latestOf = (rows: SchemaRow[]) => {
    const out = new Map<string, SchemaRow>();
    for (const r of rows) if ((out.get(r.action)?.version ?? 0) < r.version) out.set(r.action, r);
    return out;
  };
  const theirs = latestOf(destination);
  const ours = latestOf(source);
  const same = (a: SchemaRow, b: SchemaRow) => a.version === b.version && canonicalJson(a.schema) === canonicalJson(b.schema);
  const actions = [...ours.keys()].sort();
  const copiedActions = actions.filter((a) => !theirs.has(a));
  return {
    copied: source.filter((r) => copiedActions.includes(r.action)),
    copiedActions,
    reused: actions.filter((a) => theirs.has(a) && same(ours.get(a)!, theirs.get(a)!)),
    conflicts: actions.filter((a) => theirs.has(a) && !same(ours.get(a)!, theirs.get(a)!)),
  };
}

/** The inserts that copy schema versions into `projectId` (one row written per version). */
export function copyAuditLogSchemaStatements(db: Database, copied: SchemaRow[], projectId: string) {
  return insertChunks(
    db,
    auditLogSchemas,
    copied.map((r) => ({ ...r, id: newId("auditLogSchema"), projectId })),
    6,
  );
}

/** Every schema version of a project. */
export const projectSchemaRows = (db: Database, projectId: string) =>
  db.select().from(auditLogSchemas).where(eq(auditLogSchemas.projectId, projectId)).orderBy(auditLogSchemas.id).all();

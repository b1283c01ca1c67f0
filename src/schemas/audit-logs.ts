import * as v from "valibot";
import { DescribedTimestamp, Timestamp } from "./fields";

// ---- Input (environment API) ---------------------------------------------------------------------------

// WorkOS's limits: at most 50 metadata keys, keys up to 40 characters, string values up to 500.
const Key = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_]{1,40}$/, "keys must be 1 to 40 letters, digits or _."));
const MetadataSchemaInput = v.strictObject({
  type: v.literal("object"),
  properties: v.pipe(
    v.record(Key, v.strictObject({ type: v.picklist(["string", "number", "boolean"], "must be string, number or boolean.") })),
    v.check((p) => Object.keys(p).length <= 50, "must declare at most 50 keys."),
  ),
});
export const TypeName = v.pipe(
  v.string(),
  v.regex(/^[a-z][a-z0-9_.-]{0,99}$/, "must be lowercase letters, digits, _, . and -, starting with a letter."),
);
export const CreateAuditLogSchema = v.strictObject({
  targets: v.pipe(
    v.array(v.strictObject({ type: TypeName, metadata: v.optional(MetadataSchemaInput) })),
    v.minLength(1, "must list at least one target."),
    v.maxLength(50, "must list at most 50 targets."),
    v.check((ts) => new Set(ts.map((t) => t.type)).size === ts.length, "must not repeat a target type."),
  ),
  actor: v.optional(v.strictObject({ metadata: v.optional(MetadataSchemaInput) })),
  metadata: v.optional(MetadataSchemaInput),
});
const Value = v.union([v.pipe(v.string(), v.maxLength(500, "values must be at most 500 characters.")), v.number(), v.boolean()]);
const EventMetadata = v.pipe(
  v.record(Key, Value),
  v.check((m) => Object.keys(m).length <= 50, "must have at most 50 keys."),
);
const Str = (max: number) =>
  v.pipe(v.string(), v.nonEmpty("must not be empty."), v.maxLength(max, `must be at most ${max} characters.`));
const Entity = { id: Str(500), type: TypeName, name: v.optional(v.nullable(Str(500))), metadata: v.optional(EventMetadata) };
export const CreateAuditLogEvent = v.strictObject({
  organization_id: Str(100),
  event: v.strictObject({
    action: TypeName,
    version: v.optional(v.pipe(v.number(), v.integer("must be an integer."), v.minValue(1, "must be at least 1."))),
    occurred_at: v.pipe(v.string(), v.isoTimestamp("must be an ISO 8601 timestamp.")),
    actor: v.strictObject(Entity),
    targets: v.pipe(v.array(v.strictObject(Entity)), v.maxLength(50, "must list at most 50 targets.")),
    context: v.strictObject({ location: Str(100), user_agent: v.optional(Str(1000)) }),
    metadata: v.optional(EventMetadata),
  }),
});

// ---- Objects -----------------------------------------------------------------------------------------

export const AuditLogMetadataSchemaObject = v.object({
  type: v.literal("object"),
  properties: v.record(v.string(), v.object({ type: v.picklist(["string", "number", "boolean"]) })),
});

export const AuditLogSchemaObject = v.object({
  object: v.literal("audit_log_schema"),
  id: v.string(),
  version: v.number(),
  targets: v.array(v.object({ type: v.string(), metadata: v.optional(AuditLogMetadataSchemaObject) })),
  /** `{metadata:{type:"object", properties:{}}}` when the schema declared no actor. */
  actor: v.object({ metadata: v.optional(AuditLogMetadataSchemaObject) }),
  /** Absent when the schema declares no event metadata. */
  metadata: v.optional(AuditLogMetadataSchemaObject),
  created_at: Timestamp,
});

export const AuditLogActionObject = v.object({
  object: v.literal("audit_log_action"),
  name: v.string(),
  /** The action's latest schema. */
  schema: AuditLogSchemaObject,
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const AuditLogEventCreated = v.object({ success: v.literal(true) });

const ProjectMetadataSchema = v.object({ type: v.string(), properties: v.record(v.string(), v.object({ type: v.string() })) });

/** An action's schema as the Platform API lists a project's (every version, with its project). */
export const ProjectAuditLogSchemaObject = v.object({
  object: v.literal("audit_log_schema"),
  id: v.string(),
  action: v.string(),
  project_id: v.string(),
  version: v.number(),
  targets: v.array(v.object({ type: v.string(), metadata: v.optional(ProjectMetadataSchema) })),
  actor: v.object({ metadata: v.optional(ProjectMetadataSchema) }),
  metadata: v.optional(ProjectMetadataSchema),
  created_at: DescribedTimestamp,
});

import * as v from "valibot";
import { coordinate } from "../coordinator/client";
import { notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { AuditLogActionObject, AuditLogEventCreated, AuditLogSchemaObject, ListOf } from "../objects/environment-api";
import { type AuditEvent, createAuditEvent, listActions, listSchemas, serializeSchema } from "../services/audit-logs";
import { envDoc } from "./doc";
import { ListQuery } from "./schemas";

// WorkOS's limits: at most 50 metadata keys, keys up to 40 characters, string values up to 500.
const Key = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_]{1,40}$/, "keys must be 1 to 40 letters, digits or _."));
const MetadataSchema = v.strictObject({
  type: v.literal("object"),
  properties: v.pipe(
    v.record(Key, v.strictObject({ type: v.picklist(["string", "number", "boolean"], "must be string, number or boolean.") })),
    v.check((p) => Object.keys(p).length <= 50, "must declare at most 50 keys."),
  ),
});
const TypeName = v.pipe(
  v.string(),
  v.regex(/^[a-z][a-z0-9_.-]{0,99}$/, "must be lowercase letters, digits, _, . and -, starting with a letter."),
);
const SchemaBody = v.strictObject({
  targets: v.pipe(
    v.array(v.strictObject({ type: TypeName, metadata: v.optional(MetadataSchema) })),
    v.minLength(1, "must list at least one target."),
    v.maxLength(50, "must list at most 50 targets."),
    v.check((ts) => new Set(ts.map((t) => t.type)).size === ts.length, "must not repeat a target type."),
  ),
  actor: v.optional(v.strictObject({ metadata: v.optional(MetadataSchema) })),
  metadata: v.optional(MetadataSchema),
});
const Value = v.union([v.pipe(v.string(), v.maxLength(500, "values must be at most 500 characters.")), v.number(), v.boolean()]);
const Metadata = v.pipe(
  v.record(Key, Value),
  v.check((m) => Object.keys(m).length <= 50, "must have at most 50 keys."),
);
const Str = (max: number) =>
  v.pipe(v.string(), v.nonEmpty("must not be empty."), v.maxLength(max, `must be at most ${max} characters.`));
const Entity = { id: Str(500), type: TypeName, name: v.optional(v.nullable(Str(500))), metadata: v.optional(Metadata) };
const EventBody = v.strictObject({
  organization_id: Str(100),
  event: v.strictObject({
    action: TypeName,
    version: v.optional(v.pipe(v.number(), v.integer("must be an integer."), v.minValue(1, "must be at least 1."))),
    occurred_at: v.pipe(v.string(), v.isoTimestamp("must be an ISO 8601 timestamp.")),
    actor: v.strictObject(Entity),
    targets: v.pipe(v.array(v.strictObject(Entity)), v.maxLength(50, "must list at most 50 targets.")),
    context: v.strictObject({ location: Str(100), user_agent: v.optional(Str(1000)) }),
    metadata: v.optional(Metadata),
  }),
});
const actionOf = (raw: string) => {
  if (!v.is(TypeName, raw)) throw notFound("audit_log_action", raw);
  return raw;
};

/** Audit Logs as `workos.auditLogs.*` calls them: schemas for the whole project, events for this environment. */
export const auditLogsRoutes = createRouter()
  .post(
    "/audit_logs/actions/:action/schemas",
    envDoc({
      summary: "Add a version of an action's schema",
      description: "Schemas belong to the project: every environment of the project checks events against them.",
      tags: ["Audit Logs"],
      responses: { 201: AuditLogSchemaObject },
      errors: ["audit_log_action_not_found", "environment_moved"],
      write: true,
      post: true,
    }),
    validate("json", SchemaBody),
    async (c) => {
      const env = c.var.environment;
      const action = actionOf(c.req.param("action"));
      // In the project's coordinator: a schema blocks transfers out, so adding one is ordered with them.
      const row = await coordinate(c.env, env.projectId, "create_audit_log_schema", {
        projectId: env.projectId,
        environmentId: env.id,
        action,
        schema: c.req.valid("json"),
        id: newId("auditLogSchema"),
      });
      return c.json(serializeSchema(row), 201);
    },
  )
  .get(
    "/audit_logs/actions/:action/schemas",
    envDoc({
      summary: "List an action's schema versions",
      tags: ["Audit Logs"],
      responses: { 200: ListOf(AuditLogSchemaObject) },
      errors: ["audit_log_action_not_found"],
    }),
    validate("query", ListQuery({})),
    async (c) =>
      c.json(await listSchemas(c.var.db, c.var.environment.projectId, actionOf(c.req.param("action")), c.req.valid("query"))),
  )
  .get(
    "/audit_logs/actions",
    envDoc({
      summary: "List actions",
      description:
        "The project's actions by name, each with its latest schema (one page of at most `limit`; cursors are always null).",
      tags: ["Audit Logs"],
      responses: { 200: ListOf(AuditLogActionObject) },
    }),
    validate("query", ListQuery({})),
    async (c) => c.json(await listActions(c.var.db, c.var.environment.projectId, c.req.valid("query").limit)),
  )
  .post(
    "/audit_logs/events",
    envDoc({
      summary: "Record an Audit Logs event",
      description:
        "For an organization of this environment; an event of an action with a schema must fit it (422 naming each misfit field). " +
        "The same `Idempotency-Key` twice records one event.",
      tags: ["Audit Logs"],
      responses: { 201: AuditLogEventCreated },
      errors: ["organization_not_found"],
      write: true,
      post: true,
    }),
    validate("json", EventBody),
    async (c) => {
      const { organization_id, event } = c.req.valid("json");
      return c.json(
        await createAuditEvent(
          c.var.db,
          c.var.environment,
          organization_id,
          event as AuditEvent,
          c.req.header("Idempotency-Key"),
        ),
        201,
      );
    },
  );

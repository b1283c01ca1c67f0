import * as v from "valibot";
import { createAuditLogEvent, createAuditLogSchema } from "../commands/audit-logs";
import { notFound } from "../lib/errors";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { environmentKeyScope } from "../middleware/command-scope";
import {
  AuditLogActionObject,
  AuditLogEventCreated,
  AuditLogSchemaObject,
  CreateAuditLogEvent,
  CreateAuditLogSchema,
  TypeName,
} from "../schemas/audit-logs";
import { ListOf, ListQuery } from "../schemas/fields";
import { type AuditEvent, listActions, listSchemas, serializeSchema } from "../services/audit-logs";
import { envDoc } from "./doc";

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
    validate("json", CreateAuditLogSchema),
    async (c) => {
      const action = actionOf(c.req.param("action"));
      const row = await createAuditLogSchema(environmentKeyScope(c), { action, schema: c.req.valid("json") });
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
    validate("json", CreateAuditLogEvent),
    async (c) => {
      const { organization_id, event } = c.req.valid("json");
      const input = { organization_id, event: event as AuditEvent, idempotency_key: c.req.header("Idempotency-Key") };
      return c.json(await createAuditLogEvent(environmentKeyScope(c), input), 201);
    },
  );

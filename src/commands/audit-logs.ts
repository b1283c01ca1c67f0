import { coordinate } from "../coordinator/client";
import { newId } from "../lib/ids";
import { type AuditEvent, type AuditLogSchemaBody, recordAuditEvent } from "../services/audit-logs";
import type { EnvironmentScope } from "./scope";

/**
 * Adds a version of an action's schema. Schemas belong to the project, and one blocks transfers out of it:
 * added in the project's coordinator, ordered with transfers.
 */
export const createAuditLogSchema = (scope: EnvironmentScope, input: { action: string; schema: AuditLogSchemaBody }) =>
  coordinate(scope.env, scope.environment.projectId, "create_audit_log_schema", {
    projectId: scope.environment.projectId,
    environmentId: scope.environment.id,
    action: input.action,
    schema: input.schema,
    id: newId("auditLogSchema"),
  });

/**
 * Records an event of an organization of the environment, checked against its action's schema. The same
 * `idempotency_key` twice records one event.
 */
export const createAuditLogEvent = (
  scope: EnvironmentScope,
  input: { organization_id: string; event: AuditEvent; idempotency_key?: string },
) => recordAuditEvent(scope.db, scope.store, scope.environment, input.organization_id, input.event, input.idempotency_key);

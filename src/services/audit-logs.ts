import type { Database } from "../env";

/** Audit Logs: schemas versioned per action for the whole project, events stored per environment. */

export interface CreateAuditLogSchemaOp {
  projectId: string;
  environmentId: string;
  action: string;
  schema: Record<string, unknown>;
  /** id of the new version's row, minted before the first attempt */
  id: string;
}

/** Adds the next version of an action's schema (in the project's coordinator: serialized with transfers out). */
export async function applyCreateAuditLogSchema(_db: Database, _op: CreateAuditLogSchemaOp): Promise<unknown> {
  throw new Error("not implemented yet");
}

import type { StoreFor } from "../db/store-client";
import type { Database } from "../env";
import { applyCreateAuditLogSchema } from "../services/audit-logs";
import { applyAddEmailDomain, applyDeleteEmailDomain } from "../services/email-domains";
import { applyCreateEnvironment, applyDeleteEnvironment } from "../services/environments";
import { applyCreateFeatureFlag, applyDeleteFeatureFlag } from "../services/feature-flags";
import { applyDeleteProject } from "../services/projects";
import { applyTransfer } from "../services/transfers";

/**
 * Every write that can change a project's environment set or its project-level configuration, by name.
 * The project's coordinator runs them one at a time; the functions themselves live with their domain.
 */
export const operations = {
  create_environment: applyCreateEnvironment,
  delete_environment: applyDeleteEnvironment,
  delete_project: applyDeleteProject,
  // Out of this project, into a new project or (under leases on both coordinators) an existing one.
  transfer: applyTransfer,
  // Project-level configuration: its presence blocks a transfer out, so adding it is serialized with them.
  create_feature_flag: applyCreateFeatureFlag,
  delete_feature_flag: applyDeleteFeatureFlag,
  create_audit_log_schema: applyCreateAuditLogSchema,
  add_email_domain: applyAddEmailDomain,
  delete_email_domain: applyDeleteEmailDomain,
} satisfies Record<
  string,
  // `storeFor`: an environment's data, for the operations that touch it (a transfer's flag states).
  (db: Database, input: never, storeFor: StoreFor) => Promise<unknown>
>;

export type OperationKind = keyof typeof operations;
export type OperationInput<K extends OperationKind> = Parameters<(typeof operations)[K]>[1];
export type OperationResult<K extends OperationKind> = Awaited<ReturnType<(typeof operations)[K]>>;

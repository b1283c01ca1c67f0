import type { Env } from "../env";
import { ApiError } from "../lib/errors";
import type { OperationInput, OperationKind, OperationResult } from "./operations";
import type { Outcome, ProjectCoordinator } from "./project-coordinator";

/** The project's coordinator (`idFromName(project_id)`), typed by its class. */
export const coordinatorOf = (env: Env, projectId: string) => {
  const ns = env.PROJECT_COORDINATOR as unknown as DurableObjectNamespace<ProjectCoordinator>;
  return ns.get(ns.idFromName(projectId));
};

/**
 * Runs an operation in the project's coordinator and returns its result, or throws its ApiError.
 * `opId` makes the operation idempotent across retries (defaults to a fresh id: not retried). With `leaseId`
 * the operation runs under a lease the caller holds on this coordinator (commands/transfers.ts `withLeases`).
 *
 * @example await coordinate(env, project.id, "delete_environment", { teamId, projectId, environmentId, actor })
 */
export async function coordinate<K extends OperationKind>(
  env: Env,
  projectId: string,
  kind: K,
  input: OperationInput<K>,
  opId: string = crypto.randomUUID(),
  leaseId?: string,
): Promise<OperationResult<K>> {
  const stub = coordinatorOf(env, projectId);
  // RPC typing flattens the generic outcome; it is the coordinator's Outcome.
  const outcome = (await stub.execute(opId, kind, input, leaseId)) as unknown as Outcome<OperationResult<K>>;
  if (outcome.ok) return outcome.value;
  throw ApiError.fromWire(outcome.error);
}

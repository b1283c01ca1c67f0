import type { Env } from "../env";
import { ApiError } from "../lib/errors";
import type { OperationInput, OperationKind, OperationResult } from "./operations";
import type { Outcome } from "./project-coordinator";

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
  const stub = env.PROJECT_COORDINATOR.get(env.PROJECT_COORDINATOR.idFromName(projectId));
  // RPC typing flattens the generic outcome; it is the coordinator's Outcome.
  const outcome = (await stub.execute(opId, kind, input, leaseId)) as unknown as Outcome<OperationResult<K>>;
  if (outcome.ok) return outcome.value;
  throw ApiError.fromWire(outcome.error);
}

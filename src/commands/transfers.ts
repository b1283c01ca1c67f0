import { coordinate, coordinatorOf } from "../coordinator/client";
import type { Env } from "../env";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { getProject } from "../services/projects";
import type { TransferOp, TransferResult } from "../services/transfers";
import { actorOf, type TeamScope } from "./scope";

/**
 * Transfers: the orchestration (acknowledgement, operation id from the Idempotency-Key, ids, the
 * coordinators). The rules are in services/transfers.ts and run inside the source project's coordinator.
 */

/** What a transfer command needs of the request (the same shape as the other commands' team scope). */
export interface TransferScope extends TeamScope {
  /** How long a two-project move waits for, and may hold, each project's coordinator (tests shorten them). */
  lease?: { waitMs: number; ttlMs: number };
}

export interface TransferInput {
  source_project_id: string;
  environment_ids: string[];
  acknowledge?: boolean;
  preview_token?: string;
  configuration?: "copy";
  /** The request's Idempotency-Key: a retry with it resumes the same operation (same ids). */
  idempotency_key?: string;
}

/**
 * Both projects' coordinators are held for at most this long by one move (far more than the one batch it
 * writes takes), and a move waits at most this long for each: past it, 503 `project_busy`, nothing changed.
 */
export const LEASE = { waitMs: 5_000, ttlMs: 10_000 };

function checkRequest(input: TransferInput, field: "transfer.acknowledge" | "acknowledge") {
  if (input.acknowledge !== true)
    throw new ApiError(
      "transfer_requires_acknowledgement",
      `A transfer is irreversible: set ${field} to true after reviewing it (POST …/projects/transfer_preview).`,
    );
  if (input.environment_ids.length === 0)
    throw new ApiError("transfer_requires_environments", "Choose at least one environment to transfer.");
}

/** With an Idempotency-Key, the operation id is derived from it: a retry after a failure resumes the same operation. */
const operationId = async (scope: TransferScope, key?: string) =>
  key ? `idempotency:${scope.caller.clientId}:${await sha256Hex(key)}` : newId("transfer");

/**
 * `POST …/projects` with `transfer`: a new project made of environments moved out of the source. Only the
 * source's coordinator is involved: nothing else can see the new project before the batch commits.
 */
export async function createProjectByTransfer(
  scope: TransferScope,
  input: TransferInput & { name: string },
): Promise<TransferResult> {
  checkRequest(input, "transfer.acknowledge");
  const source = await getProject(scope.db, scope.team.id, input.source_project_id);
  const op: TransferOp = {
    teamId: scope.team.id,
    actor: actorOf(scope),
    sourceProjectId: source.id,
    environmentIds: input.environment_ids,
    previewToken: input.preview_token,
    configuration: input.configuration,
    transferId: newId("transfer"),
    destination: { kind: "new", id: newId("project"), name: input.name },
  };
  return coordinate(scope.env, source.id, "transfer", op, await operationId(scope, input.idempotency_key));
}

/**
 * `POST …/transfers`: environments moved into another existing project of the team.
 *
 * The two-project protocol. A move into an existing project changes two projects, so it must be serialized
 * against every other write to either. Each project's coordinator already runs its operations one at a
 * time (its serial queue); a move takes a *lease* on both queues and runs in the source's while holding
 * them:
 *   1. order the two project ids (string order — one global order for every move);
 *   2. lease the first, then the second (`acquire`: waits for the operations queued before it, then holds
 *      the queue; nothing else runs in that project until released);
 *   3. run the transfer in the source's coordinator under its lease (logged there like any operation, so a
 *      retry with the same Idempotency-Key replays or resumes it);
 *   4. release both.
 *
 * Why it cannot deadlock: a deadlock needs a cycle of holders each waiting for the next. Here
 *   - a single-project operation holds one queue and never waits for another coordinator (it awaits only
 *     D1 and its own storage);
 *   - a move waits only while acquiring, and always for a project whose id is greater than every project it
 *     already holds (ordered acquisition).
 * So along any chain of "holds P, waits for Q" the project ids strictly increase: no chain can close into a
 * cycle, and the holder at the top of any chain waits for nothing and finishes. A→B racing B→A both lease
 * min(A,B) first: one waits for the other, never both for each other; A→B, B→C, C→A lease (A,B), (B,C),
 * (A,C) in order. Timeouts bound the rest: waiting is at most `waitMs` (then 503 `project_busy`, nothing
 * changed, the queue place is skipped), holding at most `ttlMs` (a caller that died mid-move frees both
 * projects by itself; the coordinator never gives a lease up in the middle of the operation running under
 * it). Even then the batch does not rely on the leases: it re-checks every rule in SQL and aborts.
 */
export async function transferIntoExistingProject(
  scope: TransferScope,
  input: TransferInput & { destination_project_id: string },
): Promise<TransferResult> {
  checkRequest(input, "acknowledge");
  const { env, db, team } = scope;
  const [source, destination] = await Promise.all([
    getProject(db, team.id, input.source_project_id),
    getProject(db, team.id, input.destination_project_id),
  ]);
  if (source.id === destination.id)
    throw new ApiError(
      "destination_is_source",
      `The destination is the source project ${source.name}: choose another project of the team.`,
    );
  const op: TransferOp = {
    teamId: team.id,
    actor: actorOf(scope),
    sourceProjectId: source.id,
    environmentIds: input.environment_ids,
    previewToken: input.preview_token,
    configuration: input.configuration,
    transferId: newId("transfer"),
    destination: { kind: "existing", id: destination.id },
  };
  const opId = await operationId(scope, input.idempotency_key);
  return withLeases(env, [source.id, destination.id], scope.lease ?? LEASE, (leaseId) =>
    coordinate(env, source.id, "transfer", op, opId, leaseId),
  );
}

const stubOf = (env: Env, projectId: string) => coordinatorOf(env, projectId);

/** Runs `work` while holding a lease on each project's coordinator, taken in ascending id order (see above). */
export async function withLeases<T>(
  env: Env,
  projectIds: string[],
  lease: { waitMs: number; ttlMs: number },
  work: (leaseId: string) => Promise<T>,
): Promise<T> {
  const leaseId = crypto.randomUUID();
  const held: string[] = [];
  try {
    for (const id of [...new Set(projectIds)].sort()) {
      const { ok } = await stubOf(env, id).acquire(leaseId, lease.waitMs, lease.ttlMs);
      if (!ok)
        throw new ApiError(
          "project_busy",
          "One of the projects is busy with other changes; nothing was changed. Retry shortly.",
          { project_id: id },
        );
      held.push(id);
    }
    return await work(leaseId);
  } finally {
    await Promise.all(
      held.map((id) =>
        stubOf(env, id)
          .release(leaseId)
          .catch(() => undefined),
      ),
    );
  }
}

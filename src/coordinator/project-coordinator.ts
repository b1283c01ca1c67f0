import { DurableObject } from "cloudflare:workers";
import { openDatabase } from "../db/client";
import { type StoreFor, storeOf } from "../db/store-client";
import type { Env } from "../env";
import { type DbMetrics, newMetrics } from "../lib/db-metrics";
import { ApiError, type WireError } from "../lib/errors";
import { invariantViolation } from "../lib/invariants";
import { type OperationInput, type OperationKind, type OperationResult, operations } from "./operations";
import { SerialQueue } from "./serial-queue";
import { emptyDeletedStores } from "./store-deletions";

/** `metrics`: what the operation cost in D1 (with DB_METRICS=1), kept in the op log (tests and the benchmark read it). */
export type Outcome<T> = ({ ok: true; value: T } | { ok: false; error: WireError }) & { metrics?: DbMetrics };

interface LoggedOperation {
  kind: OperationKind;
  input: unknown;
  startedAt: number;
  outcome?: Outcome<unknown>;
}

const OPERATION_TTL_MS = 24 * 60 * 60 * 1000;
/** A deleted environment's object that could not be emptied is tried again this much later. */
const DELETION_RETRY_MS = 60_000;
/** The project this coordinator serves, kept once it has deletions to finish (its alarm needs it). */
const PROJECT_KEY = "project_id";

/** A lease on this coordinator's queue, held by a two-project operation (see `acquire`). */
interface Lease {
  id: string;
  /** Ends the lease: the queue moves on (after any operation running under it). */
  release: () => void;
  /** The operation running under the lease, if any: the lease is not given up in the middle of it. */
  running?: Promise<unknown>;
}

/** Storage writes of the op log skip the output gate; `sync()` makes them durable where it matters. */
const UNGATED = { allowUnconfirmed: true } as const;

/**
 * One per project (`idFromName(project_id)`): serializes every write that could break the project's rules.
 *
 * - A serial queue makes the critical section real: D1 calls open the input gate, so the object alone
 *   would let a second call read the same state before the first one writes.
 * - Inside the critical section the operation is logged to the object's own storage: this makes the
 *   object's single-instance guarantee apply to it, and lets a retry with the same operation id replay the
 *   outcome (or resume with the same ids, if the first attempt died after D1 committed).
 * - An operation that changes two projects (a move into an existing project) holds a *lease* on each
 *   project's queue, taken in a global order (see commands/transfers.ts for the protocol and why it
 *   cannot deadlock), and runs here under the source's lease.
 *
 * Answering as each operation completes, not when the queue drains: a Durable Object's output gate holds a response until
 * the storage writes made before it are confirmed; with the queue always busy, the next operation's op-log
 * write can be pending when the previous answer leaves. So the op-log writes skip the gate
 * (`allowUnconfirmed`) and are made durable explicitly with `storage.sync()` where it matters, inside the
 * critical section: (1) the "started" entry is durable before the operation touches D1 — a retry after a
 * crash finds the first attempt's input (same ids) and resumes it rather than running a second one; (2) the
 * outcome is durable before the answer is returned — an answer a client saw is the one a retry replays.
 * Nothing is answered from an unconfirmed write, which is what the gate guarantees; the uniqueness argument
 * (one instance, one queue, a durable log) holds as with the gate. Under `wrangler dev` the answers also need
 * the queue to yield a turn between operations (serial-queue.ts): workerd polls its sockets only when it runs
 * out of ready work. Then the i-th answer arrives after about i operations (bench: "Coordinator latency").
 */
export class ProjectCoordinator extends DurableObject<Env> {
  private readonly queue = new SerialQueue();
  private lease?: Lease;
  /** Operations running in this object right now (the queue keeps it at most 1; tests read it). */
  running = 0;
  maxRunning = 0;

  async execute<K extends OperationKind>(
    opId: string,
    kind: K,
    input: OperationInput<K>,
    leaseId?: string,
  ): Promise<Outcome<OperationResult<K>>> {
    if (leaseId === undefined) return this.queue.run(() => this.logged(opId, kind, input));
    // Under a lease the queue is already ours: run now, and keep the lease until the operation ends.
    const lease = this.lease;
    if (lease?.id !== leaseId)
      return {
        ok: false,
        error: new ApiError(
          "project_busy",
          "The lock on the project expired before the operation ran; nothing was changed. Retry.",
        ).toWire(),
      };
    const run = this.logged(opId, kind, input);
    lease.running = run;
    return run;
  }

  private async logged<K extends OperationKind>(
    opId: string,
    kind: K,
    input: OperationInput<K>,
  ): Promise<Outcome<OperationResult<K>>> {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      const key = `op:${opId}`;
      const logged = await this.ctx.storage.get<LoggedOperation>(key);
      if (logged?.outcome) return logged.outcome as Outcome<OperationResult<K>>;
      // A retried operation keeps its first attempt's input (and so its ids).
      const entry: LoggedOperation = logged ?? { kind, input, startedAt: Date.now() };
      if (!logged) {
        await this.ctx.storage.put(key, entry, UNGATED);
        if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + OPERATION_TTL_MS, UNGATED);
        await this.ctx.storage.sync();
      }

      const outcome = await this.run(kind, entry.input as OperationInput<K>);
      if (outcome.ok && (kind === "delete_environment" || kind === "delete_project"))
        await this.emptyDeletedStores((entry.input as { projectId: string }).projectId);
      // Server failures are not final: the same operation id may be retried.
      if (outcome.ok || outcome.error.status < 500) {
        await this.ctx.storage.put(key, { ...entry, outcome }, UNGATED);
        await this.ctx.storage.sync();
      }
      return outcome;
    } finally {
      this.running--;
    }
  }

  private async run<K extends OperationKind>(kind: K, input: OperationInput<K>): Promise<Outcome<OperationResult<K>>> {
    const operation = operations[kind] as (
      db: ReturnType<typeof openDatabase>,
      input: OperationInput<K>,
      storeFor: StoreFor,
    ) => Promise<OperationResult<K>>;
    const metrics = this.env.DB_METRICS === "1" ? newMetrics() : undefined;
    try {
      const db = openDatabase(this.env, metrics);
      const value = await operation(db, input, (environment) => storeOf(this.env, environment, db));
      return { ok: true, value, metrics };
    } catch (err) {
      const known = err instanceof ApiError ? err : invariantViolation(err);
      if (known) return { ok: false, error: known.toWire(), metrics };
      console.error(
        JSON.stringify({ coordinator: this.ctx.id.toString(), kind, error: String(err), stack: (err as Error)?.stack }),
      );
      return {
        ok: false,
        error: {
          status: 500,
          code: "internal_error",
          message: "The operation failed on our side; nothing was changed.",
          details: {},
        },
      };
    }
  }

  /**
   * Takes this project's queue for a two-project operation: resolves `{ ok: true }` once every operation
   * queued before it has finished, and from then on holds the queue — nothing else runs here — until
   * `release(leaseId)` or `ttlMs` elapse (a caller that died cannot hold it longer). Gives up with
   * `{ ok: false }` after waiting `waitMs` (its place in the queue is then skipped).
   */
  async acquire(leaseId: string, waitMs: number, ttlMs: number): Promise<{ ok: boolean }> {
    return new Promise((answer) => {
      let gaveUp = false;
      const waiting = setTimeout(() => {
        gaveUp = true;
        answer({ ok: false });
      }, waitMs);
      void this.queue.run(async () => {
        if (gaveUp) return;
        clearTimeout(waiting);
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        const expiry = setTimeout(release, ttlMs);
        const lease: Lease = { id: leaseId, release };
        this.lease = lease;
        answer({ ok: true });
        await released;
        clearTimeout(expiry);
        await lease.running?.catch(() => undefined);
        if (this.lease === lease) this.lease = undefined;
      });
    });
  }

  /** Ends a lease taken by `acquire` (a lease already expired or not this one: nothing to do). */
  async release(leaseId: string): Promise<void> {
    if (this.lease?.id === leaseId) this.lease.release();
  }

  /** Forgets operations older than a day (the idempotency window). */
  /**
   * The objects of environments this project deleted are emptied right after the deletion commits in D1, and, for
   * any that could not be, again from the alarm, a minute apart, until none is left.
   */
  private async emptyDeletedStores(projectId: string) {
    await this.ctx.storage.put(PROJECT_KEY, projectId);
    if (await emptyDeletedStores(this.env, openDatabase(this.env), projectId)) await this.wakeAt(Date.now() + DELETION_RETRY_MS);
  }

  private async wakeAt(at: number) {
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > at) await this.ctx.storage.setAlarm(at, UNGATED);
  }

  async alarm() {
    const projectId = await this.ctx.storage.get<string>(PROJECT_KEY);
    if (projectId !== undefined && (await emptyDeletedStores(this.env, openDatabase(this.env), projectId)))
      await this.wakeAt(Date.now() + DELETION_RETRY_MS);
    const cutoff = Date.now() - OPERATION_TTL_MS;
    const all = await this.ctx.storage.list<LoggedOperation>({ prefix: "op:" });
    const stale = [...all].filter(([, op]) => op.startedAt < cutoff).map(([k]) => k);
    for (let i = 0; i < stale.length; i += 128) await this.ctx.storage.delete(stale.slice(i, i + 128));
    if (all.size > stale.length) await this.wakeAt(Date.now() + OPERATION_TTL_MS);
  }
}

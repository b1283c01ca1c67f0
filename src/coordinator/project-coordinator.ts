import { DurableObject } from "cloudflare:workers";
import { openDatabase } from "../db/client";
import type { Env } from "../env";
import { ApiError, type WireError } from "../lib/errors";
import { invariantViolation } from "../lib/invariants";
import { type OperationInput, type OperationKind, type OperationResult, operations } from "./operations";
import { SerialQueue } from "./serial-queue";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WireError };

interface LoggedOperation {
  kind: OperationKind;
  input: unknown;
  startedAt: number;
  outcome?: Outcome<unknown>;
}

const OPERATION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * One per project (`idFromName(project_id)`): serializes every write that could break the project's rules.
 *
 * - A serial queue makes the critical section real: D1 calls open the input gate, so the object alone
 *   would let a second call read the same state before the first one writes.
 * - Inside the critical section the operation is logged to the object's own storage: this makes the
 *   object's single-instance guarantee apply to it, and lets a retry with the same operation id replay the
 *   outcome (or resume with the same ids, if the first attempt died after D1 committed).
 */
export class ProjectCoordinator extends DurableObject<Env> {
  private readonly queue = new SerialQueue();

  async execute<K extends OperationKind>(opId: string, kind: K, input: OperationInput<K>): Promise<Outcome<OperationResult<K>>> {
    return this.queue.run(async () => {
      const key = `op:${opId}`;
      const logged = await this.ctx.storage.get<LoggedOperation>(key);
      if (logged?.outcome) return logged.outcome as Outcome<OperationResult<K>>;
      // A retried operation keeps its first attempt's input (and so its ids).
      const entry: LoggedOperation = logged ?? { kind, input, startedAt: Date.now() };
      await this.ctx.storage.put(key, entry);

      const outcome = await this.run(kind, entry.input as OperationInput<K>);
      // Server failures are not final: the same operation id may be retried.
      if (outcome.ok || outcome.error.status < 500) await this.ctx.storage.put(key, { ...entry, outcome });
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + OPERATION_TTL_MS);
      return outcome;
    });
  }

  private async run<K extends OperationKind>(kind: K, input: OperationInput<K>): Promise<Outcome<OperationResult<K>>> {
    const operation = operations[kind] as (db: ReturnType<typeof openDatabase>, input: OperationInput<K>) => Promise<OperationResult<K>>;
    try {
      return { ok: true, value: await operation(openDatabase(this.env), input) };
    } catch (err) {
      const known = err instanceof ApiError ? err : invariantViolation(err);
      if (known) return { ok: false, error: known.toWire() };
      console.error(JSON.stringify({ coordinator: this.ctx.id.toString(), kind, error: String(err), stack: (err as Error)?.stack }));
      return { ok: false, error: { status: 500, code: "internal_error", message: "The operation failed on our side; nothing was changed.", details: {} } };
    }
  }

  /** Forgets operations older than a day (the idempotency window). */
  async alarm() {
    const cutoff = Date.now() - OPERATION_TTL_MS;
    const all = await this.ctx.storage.list<LoggedOperation>({ prefix: "op:" });
    const stale = [...all].filter(([, op]) => op.startedAt < cutoff).map(([k]) => k);
    for (let i = 0; i < stale.length; i += 128) await this.ctx.storage.delete(stale.slice(i, i + 128));
    if (all.size > stale.length) await this.ctx.storage.setAlarm(Date.now() + OPERATION_TTL_MS);
  }
}

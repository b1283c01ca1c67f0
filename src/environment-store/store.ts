import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { openDatabase } from "../db/client";
import type { EnvironmentStoreRpc, StoreAnswer, StoreQuery, StoreRefusal } from "../db/store-client";
import {
  type ChecksumProgress,
  COUNTED_TOTALS,
  type EnvironmentMoveRpc,
  type MovedTable,
  type PageCursor,
} from "../db/store-pages";
import type { Env } from "../env";
import { METRIC_HEADERS } from "../lib/db-metrics";
import { deleteExpiredBrowserSessions } from "../services/browser-sessions";
import { errorText } from "../services/environment-events";
import type { EnvironmentRow } from "../services/environments";
import { deleteExpiredSignInRows } from "../services/sign-in/cleanup";
import { deliverDue } from "../webhooks/deliver";
import { checkPage, checksumRows, countedTotals, syncRows } from "./import";
import { STORE_MIGRATIONS } from "./migrations";
import { emptyStore, serveEnvironmentApi } from "./serve";
import { type CounterRow, rollUpUsage } from "./usage-rollup";

/** What an object keeps in its KV: the one environment it holds, and its usage roll-up's state. */
const ENVIRONMENT_KEY = "environment_id";
/** Set once the object was emptied because its environment was deleted: it serves nothing ever again. */
const DELETED_KEY = "deleted";
const USAGE_DIRTY_KEY = "usage_dirty";
const USAGE_VERSION_KEY = "usage_version";
/** The counters last copied into D1 (JSON): a roll-up that would copy the same writes nothing. */
const USAGE_ROLLED_KEY = "usage_rolled";
/** When the object next deletes its expired sign-in rows (codes, sessions, failures), every hour. */
const CLEANUP_AT_KEY = "cleanup_at";
const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
/** A failed roll-up (D1 unreachable) is tried again this much later; nothing is lost meanwhile. */
const ROLLUP_RETRY_MS = 30_000;

type Migrations = typeof STORE_MIGRATIONS;

/**
 * One environment's data, in its own SQLite Durable Object (`idFromName(environment_id)`): the tables of
 * src/db/store-tables.ts, with D1's definitions (scripts/store-schema.mjs).
 *
 * - It comes into being with its first write: until then it has no tables, reads answer nothing, and an
 *   environment that never holds anything costs no storage.
 * - Its schema is migrated in the constructor, under `blockConcurrencyWhile`, in one transaction: a migration
 *   that fails leaves the schema as it was, and every call answers `environment_unavailable` until a deploy fixes it.
 * - It holds one environment only: every call names it, and a call for another is refused.
 */
export class EnvironmentStore extends DurableObject<Env> implements EnvironmentStoreRpc, EnvironmentMoveRpc {
  /** The object's own drizzle client: the services run on it inside the object. */
  readonly db = drizzle(this.ctx.storage);
  /** Why the schema could not be migrated, if it could not. */
  private broken?: string;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      // A store never written has no schema to migrate: its first write creates it (`open`).
      if (this.ctx.storage.kv.get<string>(ENVIRONMENT_KEY) !== undefined) await this.migrate(STORE_MIGRATIONS);
    });
  }

  /** Applies the migrations not applied yet, all in one transaction; a failure keeps the schema as it was. */
  async migrate(migrations: Migrations) {
    try {
      await migrate(this.db, migrations);
      this.broken = undefined;
    } catch (err) {
      this.broken = String((err as Error)?.message ?? err);
      console.error(JSON.stringify({ environment_store: "migration failed", error: this.broken }));
    }
  }

  /** Checks the call is for this object's environment; creates the schema on the first write. */
  private async open(environmentId: string, write: boolean) {
    if (this.broken) throw new Error(`environment_unavailable: the store's schema could not be migrated`);
    if (this.ctx.storage.kv.get(DELETED_KEY) !== undefined) throw new Error("environment_unavailable: deleted");
    const held = this.ctx.storage.kv.get<string>(ENVIRONMENT_KEY);
    if (held !== undefined && held !== environmentId) throw new Error("environment_unavailable: wrong environment");
    if (held === undefined) {
      // An object is named by its environment's id: a different id reaching it would be a bug, never data.
      if (this.ctx.id.name !== undefined && this.ctx.id.name !== environmentId)
        throw new Error("environment_unavailable: wrong environment");
      if (!write) return false;
      await this.migrate(STORE_MIGRATIONS);
      if (this.broken) throw new Error(`environment_unavailable: the store's schema could not be migrated`);
      this.ctx.storage.transactionSync(() => {
        this.ctx.storage.sql.exec("INSERT OR IGNORE INTO environment_totals (environment_id) VALUES (?)", environmentId);
        this.ctx.storage.kv.put(ENVIRONMENT_KEY, environmentId);
        this.ctx.storage.kv.put(CLEANUP_AT_KEY, Date.now() + CLEANUP_INTERVAL_MS);
      });
    }
    return true;
  }

  /**
   * After a write (never before it: the alarm could run in between): it may have changed the usage counters or
   * queued webhook deliveries, so the alarm runs right after this request — it copies the counters into D1 (the
   * report reads D1's copy) and delivers what is due. Many writes in a row make one roll-up: the flag is set once,
   * until the alarm runs.
   */
  private noteWrite() {
    const kv = this.ctx.storage.kv;
    if (kv.get(USAGE_DIRTY_KEY)) return;
    kv.put(USAGE_DIRTY_KEY, true);
    void this.wakeAt(Date.now());
  }

  /** Rows changed since the database was opened (SQLite's total_changes()): tells a request that wrote from one that did not. */
  private totalChanges() {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT total_changes() AS n").one().n;
  }

  /** Makes sure the alarm runs by `at` (an earlier one already set is kept). */
  private async wakeAt(at: number) {
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > at) await this.ctx.storage.setAlarm(at);
  }

  /**
   * The object's background work, each part when it is due: the usage roll-up into D1 (after writes), the webhook
   * deliveries due (after writes, and at each retry's time), and the hourly deletion of expired sign-in rows (the
   * Cron Trigger does the same for environments still in D1).
   */
  async alarm() {
    const kv = this.ctx.storage.kv;
    const environmentId = kv.get<string>(ENVIRONMENT_KEY);
    if (environmentId === undefined || this.broken) return;
    await this.rollUp(environmentId);
    const nextDelivery = await deliverDue(openDatabase(this.env), this.db, environmentId);
    if (nextDelivery !== null) await this.wakeAt(Math.max(nextDelivery, Date.now()));
    const cleanupAt = kv.get<number>(CLEANUP_AT_KEY) ?? 0;
    if (cleanupAt <= Date.now()) {
      await deleteExpiredSignInRows(this.db);
      await deleteExpiredBrowserSessions(this.db);
      kv.put(CLEANUP_AT_KEY, Date.now() + CLEANUP_INTERVAL_MS);
    }
    await this.wakeAt(kv.get<number>(CLEANUP_AT_KEY) ?? Date.now() + CLEANUP_INTERVAL_MS);
  }

  private async rollUp(environmentId: string) {
    const kv = this.ctx.storage.kv;
    if (!kv.get(USAGE_DIRTY_KEY)) return;
    // Cleared before reading: a write during the roll-up sets it again, and its counts go in the next one.
    kv.delete(USAGE_DIRTY_KEY);
    const version = (kv.get<number>(USAGE_VERSION_KEY) ?? 0) + 1;
    kv.put(USAGE_VERSION_KEY, version);
    const rows = this.ctx.storage.sql
      .exec<CounterRow & Record<string, SqlStorageValue>>(
        "SELECT period, metric, n FROM usage_counters WHERE environment_id = ? ORDER BY period, metric",
        environmentId,
      )
      .toArray();
    const rolled = JSON.stringify(rows);
    if (rolled === (kv.get<string>(USAGE_ROLLED_KEY) ?? "[]")) return;
    try {
      await rollUpUsage(openDatabase(this.env), environmentId, version, rows);
      kv.put(USAGE_ROLLED_KEY, rolled);
    } catch (err) {
      // The environment is gone from D1: its object is being emptied (see the coordinator's deletions).
      if (/FOREIGN KEY constraint failed/.test(errorText(err))) return;
      kv.put(USAGE_DIRTY_KEY, true);
      console.error(JSON.stringify({ environment_store: environmentId, usage_rollup: String(err) }));
      await this.wakeAt(Date.now() + ROLLUP_RETRY_MS);
    }
  }

  /**
   * Erases the environment's data: every table, its KV and its alarm (its D1 rows are already gone). Leaves a
   * tombstone, so that a request that was on its way cannot create the store again. Idempotent.
   */
  async destroy(environmentId: string): Promise<void> {
    const held = this.ctx.storage.kv.get<string>(ENVIRONMENT_KEY);
    if (held !== undefined && held !== environmentId) throw new Error("environment_unavailable: wrong environment");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.ctx.storage.kv.put(DELETED_KEY, environmentId);
  }

  /**
   * Serves one environment API request (forwarded by the Worker once the key is checked) over this object's
   * database: reads of a store never written are answered from no storage, anything else creates it first.
   * What the request read and wrote here is reported in its answer's X-Store-Rows-* headers when metering is on.
   */
  async serve(request: Request, environment: EnvironmentRow): Promise<Response> {
    const write = request.method !== "GET" && request.method !== "HEAD";
    const created = await this.open(environment.id, write);
    const changesBefore = created ? this.totalChanges() : 0;
    const metered = this.env.DB_METRICS === "1";
    const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
    const store = !created ? emptyStore : metered ? drizzle(countingStorage(this.ctx.storage, cursors)) : this.db;
    // What the routes use of an ExecutionContext: waitUntil (the object's own).
    const ctx = { waitUntil: (p: Promise<unknown>) => this.ctx.waitUntil(p), passThroughOnException: () => {}, props: {} };
    const answer = await serveEnvironmentApi(request, { environment, store }, this.env, ctx as unknown as ExecutionContext);
    if (created && this.totalChanges() > changesBefore) this.noteWrite();
    // The answer goes back whole: a streamed body would tie the RPC to the reader (answers are small JSON).
    const res = new Response(await answer.arrayBuffer(), answer);
    if (!metered) return res;
    res.headers.set(METRIC_HEADERS.storeRowsRead, String(cursors.reduce((n, c) => n + c.rowsRead, 0)));
    res.headers.set(METRIC_HEADERS.storeRowsWritten, String(cursors.reduce((n, c) => n + c.rowsWritten, 0)));
    return res;
  }

  async query(environmentId: string, query: StoreQuery): Promise<StoreAnswer | StoreRefusal> {
    try {
      if (!(await this.open(environmentId, isWrite(query)))) return empty(query);
      const answer = this.exec(query);
      if (isWrite(query)) this.noteWrite();
      return answer;
    } catch (err) {
      return refusal(err);
    }
  }

  async batch(environmentId: string, queries: StoreQuery[]): Promise<StoreAnswer[] | StoreRefusal> {
    try {
      if (!(await this.open(environmentId, queries.some(isWrite)))) return queries.map(empty);
      const answers = this.ctx.storage.transactionSync(() => queries.map((q) => this.exec(q)));
      if (queries.some(isWrite)) this.noteWrite();
      return answers;
    } catch (err) {
      return refusal(err);
    }
  }

  /** Runs one statement; rows come back raw (arrays of values), as drizzle's sqlite-proxy driver maps them. */
  private exec({ sql, params, method }: StoreQuery): StoreAnswer {
    const cursor = this.ctx.storage.sql.exec(sql, ...params);
    const raw = Array.from(cursor.raw());
    const changes = method === "run" ? this.ctx.storage.sql.exec<{ n: number }>("SELECT changes() AS n").one().n : 0;
    const meta = { changes, rows_read: cursor.rowsRead, rows_written: cursor.rowsWritten };
    // sqlite-proxy's `get` takes the one row itself (or undefined), the others the list.
    return { rows: method === "get" ? (raw[0] as unknown[]) : raw, columns: cursor.columnNames, meta };
  }

  // Moving an environment's data here from D1 (src/environment-store/import.ts, src/services/environment-moves.ts).

  async syncPage(environmentId: string, table: MovedTable, after: PageCursor, upTo: PageCursor, rows: unknown[][]) {
    checkPage(environmentId, table, rows);
    // An empty page for an object never made: nothing to copy, nothing to delete (and no object to make).
    if (!(await this.open(environmentId, rows.length > 0))) return 0;
    return syncRows(this.ctx.storage, environmentId, table, after, upTo, rows);
  }

  async checksum(environmentId: string, table: MovedTable, from: ChecksumProgress): Promise<ChecksumProgress> {
    if (!(await this.open(environmentId, false))) return { ...from, done: true };
    return checksumRows(this.ctx.storage, environmentId, table, from);
  }

  async totals(environmentId: string): Promise<number[]> {
    if (!(await this.open(environmentId, false))) return COUNTED_TOTALS.map(() => 0);
    return countedTotals(this.ctx.storage, environmentId);
  }

  async reset(environmentId: string): Promise<void> {
    await this.open(environmentId, false);
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  async moved(environmentId: string): Promise<void> {
    // Its pending webhook deliveries, its usage roll-up and its cleanup start now, as after a write.
    if (await this.open(environmentId, false)) this.noteWrite();
  }
}

/**
 * The object's storage, seen by drizzle, with every cursor it opens kept: their rowsRead / rowsWritten are what
 * the request cost (the same counts the Worker's client gets back with each answer).
 */
function countingStorage(storage: DurableObjectStorage, cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[]) {
  const sql = {
    exec: (query: string, ...params: unknown[]) => {
      const cursor = storage.sql.exec(query, ...params);
      cursors.push(cursor);
      return cursor;
    },
  };
  return { sql, transactionSync: <T>(fn: () => T) => storage.transactionSync(fn) } as unknown as DurableObjectStorage;
}

/** What a failed call answers (see `StoreRefusal`): the message only, as an Error thrown across the RPC would carry. */
const refusal = (err: unknown): StoreRefusal => ({ refused: String((err as Error)?.message ?? err) });

/** A statement that may write (anything but a SELECT, or a WITH … SELECT) creates the store. */
function isWrite(q: StoreQuery) {
  const text = q.sql.trimStart().toLowerCase();
  if (text.startsWith("select")) return false;
  if (text.startsWith("with")) return /\)\s*(insert|update|delete|replace)\b/.test(text);
  return true;
}

/** What a read answers before the store exists: nothing. */
const empty = (q: StoreQuery): StoreAnswer => ({
  rows: q.method === "get" ? (undefined as unknown as unknown[]) : [],
  columns: [],
  meta: { changes: 0, rows_read: 0, rows_written: 0 },
});

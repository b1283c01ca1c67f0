import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import type { EnvironmentStoreRpc, StoreAnswer, StoreQuery } from "../db/store-client";
import {
  type ChecksumProgress,
  COUNTED_TOTALS,
  type EnvironmentMoveRpc,
  type MovedTable,
  type PageCursor,
} from "../db/store-pages";
import type { Env } from "../env";
import { checkPage, checksumRows, countedTotals, syncRows } from "./import";
import { STORE_MIGRATIONS } from "./migrations";

/** The KV key under which an object remembers the one environment it holds. */
const ENVIRONMENT_KEY = "environment_id";

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
  private created = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.created = this.ctx.storage.kv.get<string>(ENVIRONMENT_KEY) !== undefined;
      if (this.created) await this.migrate(STORE_MIGRATIONS);
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
      });
      this.created = true;
    }
    return true;
  }

  async query(environmentId: string, query: StoreQuery): Promise<StoreAnswer> {
    if (!(await this.open(environmentId, isWrite(query)))) return empty(query);
    return this.exec(query);
  }

  async batch(environmentId: string, queries: StoreQuery[]): Promise<StoreAnswer[]> {
    if (!(await this.open(environmentId, queries.some(isWrite)))) return queries.map(empty);
    return this.ctx.storage.transactionSync(() => queries.map((q) => this.exec(q)));
  }

  /** Runs one statement; rows come back raw (arrays of values), as drizzle's sqlite-proxy driver maps them. */
  private exec({ sql, params, method }: StoreQuery): StoreAnswer {
    const cursor = this.ctx.storage.sql.exec(sql, ...params);
    const raw = Array.from(cursor.raw());
    const changes = method === "run" ? this.ctx.storage.sql.exec<{ n: number }>("SELECT changes() AS n").one().n : 0;
    const meta = { changes, rows_read: cursor.rowsRead, rows_written: cursor.rowsWritten };
    // sqlite-proxy's `get` takes the one row itself (or undefined), the others the list.
    return { rows: method === "get" ? (raw[0] as unknown[]) : raw, meta };
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
    await this.ctx.storage.deleteAll();
    this.created = false;
  }
}

/** A statement that may write (anything but a plain SELECT) creates the store. */
const isWrite = (q: StoreQuery) => !/^\s*(select|with)\b/i.test(q.sql);

/** What a read answers before the store exists: nothing. */
const empty = (q: StoreQuery): StoreAnswer => ({
  rows: q.method === "get" ? (undefined as unknown as unknown[]) : [],
  meta: { changes: 0, rows_read: 0, rows_written: 0 },
});

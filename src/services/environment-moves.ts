import { and, asc, eq, gt } from "drizzle-orm";
import { environmentMoves, environmentMoveTables, environments } from "../db/schema";
import { reach } from "../db/store-client";
import { d1Of } from "../db/store-moving";
import {
  COUNTED_TOTALS,
  chainChecksum,
  columnsOf,
  deleteStatement,
  type EnvironmentMoveRpc,
  holdsAnyStatement,
  MOVED_TABLES,
  type MovedTable,
  PAGE_ROWS,
  type Page,
  type PageCursor,
  readPage,
} from "../db/store-pages";
import type { Database, Env } from "../env";
import { ApiError } from "../lib/errors";
import { keyCache } from "./api-keys";

/**
 * Moving one environment's data out of D1 into its own object, in bounded steps an operator drives
 * (`npm run migrate:environments` → `POST /operator/environments/:id/move`), resumable after a crash at any point:
 *
 * 1. precopy: each table's rows, page by page, parents first, copied while the environment is still served from D1;
 *    the object makes its rows in each page's key range the page's, in one transaction (upserts by primary key, and
 *    deletes of what the page no longer has), so a page copied twice changes nothing;
 * 2. the environment turns 'moving': its writes are refused (503 `environment_migrating`), its reads still served
 *    from D1 (src/db/store-client.ts); copy: the same pass again, which writes only what changed meanwhile, D1's count
 *    and checksum (chained over the pages) taken from the pages as they are read;
 * 3. verify: per table, the object counts and checksums its own rows over the same pages; a table whose copy began
 *    while writes in flight may still have landed in D1 (DRAIN_MS) is read from D1 again; then the totals the
 *    object's triggers counted are compared with D1's. A difference empties the object and copies again (at most
 *    MAX_ATTEMPTS copies; then the environment goes back to D1, its move `failed`);
 * 4. the environment turns 'object': its writes are served again, by its object;
 * 5. settle: its D1 rows stay while a cached key lookup (5 s) may still send a read there; then the object starts
 *    its background work (webhook deliveries pending, usage roll-up, cleanup), as after a write;
 * 6. delete: its D1 rows, children first, in pages. `usage_counters` stay: D1 keeps the usage roll-up billing reads.
 *
 * An environment that holds nothing in D1 (one query when its move starts) skips all of that: it turns 'moving' at once
 * (phase `copy` at no table); the next step waits out DRAIN_MS from then, asks again, and turns it 'object' when it
 * still holds nothing (no table copied, no object made: an empty environment costs no storage), or copies it as above
 * when a write in flight landed meanwhile.
 *
 * Every step saves where it got to in `environment_moves` / `environment_move_tables` (migrations/0015) in the same
 * D1 batch as what it did there, or after the object confirmed what it did (so a crash repeats at most one page).
 */

/** A cached key lookup sends reads by the environment's old location for a while (services/api-keys.ts): wait it out. */
const settleMs = () => keyCache.ttlMs + 1_000;
/**
 * A write that looked the environment up just before it turned 'moving' may still land in D1 a moment later: a table
 * whose copy began within this long of that is read from D1 again before the flip, and copied again if it changed.
 */
const DRAIN_MS = 2_000;
/** Copies tried before giving up (each after emptying the object). */
const MAX_ATTEMPTS = 3;
/** One step works at most this long (then answers its progress; the operator's script calls again). */
const STEP_MS = 2_000;
/** Pages one step handles by default, and at most. */
export const STEP_PAGES = { default: 20, max: 50 } as const;

/** The tables deleted from D1 after the move, children first. */
const DELETED_TABLES = [...MOVED_TABLES].reverse().filter((t) => t !== "usage_counters");

type MoveRow = typeof environmentMoves.$inferSelect;
type TableRow = typeof environmentMoveTables.$inferSelect;

export interface TableProgress {
  table: string;
  rows_copied: number;
  d1_rows: number;
  object_rows: number;
  d1_checksum: string;
  object_checksum: string;
  /** Both sides counted and checksummed, and equal. */
  equal: boolean;
  rows_deleted: number;
}

export interface MoveProgress {
  environment_id: string;
  data_location: "d1" | "moving" | "object";
  phase: MoveRow["phase"];
  table: string | null;
  attempt: number;
  done: boolean;
  /**
   * In `settle`: how long until the D1 rows may be deleted; for an empty environment turned 'moving', until it may be
   * asked again (the next step waits that long itself).
   */
  wait_ms: number;
  started_at: string | null;
  /** When its writes began to be refused (the second pass). */
  moving_at: string | null;
  object_at: string | null;
  finished_at: string | null;
  /** How long the environment's writes were refused (so far, while it is 'moving'). */
  writes_refused_ms: number | null;
  /** The move found the environment holding nothing, and copied nothing (`tables` stays empty). */
  empty: boolean;
  last_error: string | null;
  tables: TableProgress[];
}

const stubOf = (env: Env, environmentId: string) => {
  const ns = env.ENVIRONMENT_STORE;
  return ns.get(ns.idFromName(environmentId)) as unknown as EnvironmentMoveRpc;
};

/** D1's raw rows (arrays), through the request's client (metered when it is). */
const d1Read = (db: Database) => async (query: string, params: unknown[]) =>
  (await d1Of(db)
    .prepare(query)
    .bind(...params)
    .raw()) as unknown[][];

const parseCursor = (text: string | null): PageCursor => (text === null ? null : (JSON.parse(text) as PageCursor));
const cursorText = (cursor: PageCursor) => (cursor === null ? null : JSON.stringify(cursor));

/** A move as one step holds it: its row, and its tables' rows (saved after each page). */
interface State {
  move: MoveRow;
  tables: Map<string, TableRow>;
  /** Pages read within a table since its progress was last saved (see `advance`). */
  unsaved: number;
  /** The next page of D1, read while the object imports the current one. */
  prefetched?: { table: string; after: string | null; page: Promise<Page> };
}

/**
 * Pages read within one table between two saves of its progress. A crash loses at most these, and the next step
 * reads them again from the saved cursor, with the saved checksum: a page copied again changes nothing in the object.
 */
const SAVE_EVERY = 5;

/**
 * One bounded step of an environment's move: starts it (the environment turns 'moving') or goes on from where it
 * is, for at most `pages` pages and STEP_MS; answers its progress.
 */
export async function moveStep(env: Env, db: Database, environmentId: string, pages: number): Promise<MoveProgress> {
  const environment = await db
    .select({ id: environments.id, dataLocation: environments.dataLocation })
    .from(environments)
    .where(eq(environments.id, environmentId))
    .get();
  if (!environment) throw new ApiError("environment_not_found");
  let state = await load(db, environmentId);
  if ((!state || state.move.phase === "failed") && environment.dataLocation !== "object") {
    state = await start(db, environmentId);
    // It held nothing and just turned 'moving': the next step asks again once writes in flight have landed.
    if (state.move.tableName === null) return progress(db, environmentId);
  }
  if (!state) return progress(db, environmentId);
  const stub = stubOf(env, environmentId);
  const until = Date.now() + STEP_MS;
  for (let left = pages; left > 0 && Date.now() < until; left--) {
    const { move } = state;
    if (move.phase === "copy" && move.tableName === null) await emptyFlip(db, state);
    else if (move.phase === "precopy" || move.phase === "copy") await copyPage(db, stub, state);
    else if (move.phase === "verify") await verifyPage(db, stub, state);
    else if (move.phase === "settle" && Date.now() >= Date.parse(move.objectAt as string) + settleMs()) {
      await call(db, state, () => stub.moved(environmentId));
      await moveUpdate(db, state, { phase: "delete", tableName: DELETED_TABLES[0], cursor: null });
    } else if (move.phase === "delete") await deletePage(db, state);
    else break;
  }
  await saveProgress(db, state);
  return progress(db, environmentId);
}

async function load(db: Database, environmentId: string): Promise<State | undefined> {
  const [move, tables] = await db.batch([
    db.select().from(environmentMoves).where(eq(environmentMoves.environmentId, environmentId)),
    db.select().from(environmentMoveTables).where(eq(environmentMoveTables.environmentId, environmentId)),
  ]);
  return move[0] && { move: move[0], tables: new Map(tables.map((t) => [t.tableName, t])), unsaved: 0 };
}

/** The statement that saves the move's row as `set` changes it (applied to the state too). */
function moveUpdate(db: Database, state: State, set: Partial<MoveRow>) {
  Object.assign(state.move, set, { updatedAt: new Date().toISOString() });
  return db
    .update(environmentMoves)
    .set({ ...set, updatedAt: state.move.updatedAt })
    .where(eq(environmentMoves.environmentId, state.move.environmentId));
}

/**
 * Moves the state on by one page of `row`'s table: saved with the table's progress at once when `next` leaves the
 * table, otherwise every SAVE_EVERY pages (and at the end of the step).
 */
async function advance(db: Database, state: State, row: TableRow, next: Partial<MoveRow>) {
  Object.assign(state.move, next);
  state.unsaved++;
  if (next.tableName !== undefined || next.phase !== undefined || state.unsaved >= SAVE_EVERY) await saveProgress(db, state, row);
}

async function saveProgress(db: Database, state: State, row = state.tables.get(state.move.tableName ?? "")) {
  if (state.unsaved === 0 || !row) return;
  state.unsaved = 0;
  const { phase, tableName, cursor } = state.move;
  await db.batch([tableUpsert(db, row), moveUpdate(db, state, { phase, tableName, cursor })]);
}

/** A table's progress row, made on first need (in the state; saved with `tableUpsert`). */
function tableOf(state: State, table: string): TableRow {
  let row = state.tables.get(table);
  if (!row) {
    row = {
      environmentId: state.move.environmentId,
      tableName: table,
      rowsCopied: 0,
      d1Rows: 0,
      d1Checksum: "",
      d1Done: false,
      objectRows: 0,
      objectChecksum: "",
      objectCursor: null,
      objectDone: false,
      recheck: false,
      recheckRows: 0,
      recheckChecksum: "",
      recheckDone: false,
      rowsDeleted: 0,
    };
    state.tables.set(table, row);
  }
  return row;
}

/** The statement that saves a table's progress row as it is in the state. */
function tableUpsert(db: Database, row: TableRow) {
  const { environmentId: _e, tableName: _t, ...set } = row;
  return db
    .insert(environmentMoveTables)
    .values(row)
    .onConflictDoUpdate({ target: [environmentMoveTables.environmentId, environmentMoveTables.tableName], set });
}

/**
 * The move starts at the first table, copying while the environment is still served from D1; or, when the
 * environment holds nothing, it turns 'moving' at once, at no table (see `emptyFlip`).
 */
async function start(db: Database, environmentId: string) {
  const now = new Date().toISOString();
  const empty = !(await holdsAny(db, environmentId));
  const fresh = {
    phase: empty ? ("copy" as const) : ("precopy" as const),
    tableName: empty ? null : MOVED_TABLES[0],
    cursor: null,
    startedAt: now,
    movingAt: empty ? now : null,
    objectAt: null,
    finishedAt: null,
    updatedAt: now,
  };
  const freezing = db
    .update(environments)
    .set({ dataLocation: "moving" })
    .where(and(eq(environments.id, environmentId), eq(environments.dataLocation, "d1")));
  const recorded = [
    db.delete(environmentMoveTables).where(eq(environmentMoveTables.environmentId, environmentId)),
    db
      .insert(environmentMoves)
      .values({ environmentId, ...fresh })
      // A failed move starts over, its last error kept until the next one.
      .onConflictDoUpdate({ target: environmentMoves.environmentId, set: { ...fresh, attempt: 1 } }),
  ] as const;
  await (empty ? db.batch([...recorded, freezing]) : db.batch(recorded));
  return (await load(db, environmentId)) as State;
}

async function holdsAny(db: Database, environmentId: string) {
  const { sql: query, params } = holdsAnyStatement(environmentId);
  const [[held]] = await d1Read(db)(query, params);
  return held === 1;
}

/**
 * An environment found holding nothing when its move started, and 'moving' since: once a write that looked it up
 * before that has landed (DRAIN_MS), it is asked again. Still nothing: it turns 'object' with nothing copied (its
 * object made by its first write). Otherwise it is copied as any other (every write in flight has landed by now, so
 * no table needs reading again).
 */
async function emptyFlip(db: Database, state: State) {
  const id = state.move.environmentId;
  const wait = Date.parse(state.move.movingAt as string) + DRAIN_MS - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  if (await holdsAny(db, id)) {
    await moveUpdate(db, state, { tableName: MOVED_TABLES[0], cursor: null });
    return;
  }
  const now = new Date().toISOString();
  await db.batch([
    db
      .update(environments)
      .set({ dataLocation: "object" })
      .where(and(eq(environments.id, id), eq(environments.dataLocation, "moving"))),
    moveUpdate(db, state, { phase: "done", tableName: null, cursor: null, objectAt: now, finishedAt: now }),
  ]);
}

const nextTable = (list: readonly MovedTable[], table: string | null) => list[list.indexOf(table as MovedTable) + 1];

/**
 * Copies one page of the current table into the object: the object makes its rows in the page's key range the page's
 * (writing nothing when they already are). In `copy` (the environment's writes refused), D1's count and checksum are
 * taken from the page as it goes. A crash between the copy and the record of it repeats the page, which changes nothing.
 */
async function copyPage(db: Database, stub: EnvironmentMoveRpc, state: State) {
  const id = state.move.environmentId;
  const table = state.move.tableName as MovedTable;
  const ahead = state.prefetched;
  state.prefetched = undefined;
  const page =
    ahead && ahead.table === table && ahead.after === state.move.cursor
      ? await ahead.page
      : await readPage(d1Read(db), table, id, parseCursor(state.move.cursor));
  if (!page.done) {
    // D1 reads the next page while the object imports this one.
    const next = readPage(d1Read(db), table, id, page.next);
    next.catch(() => {}); // read again by the next step if this one ends first
    state.prefetched = { table, after: cursorText(page.next), page: next };
  }
  const after = parseCursor(state.move.cursor);
  const upTo = page.done ? null : page.next;
  const written = await call(db, state, () => stub.syncPage(id, table, after, upTo, page.rows));
  const row = tableOf(state, table);
  row.rowsCopied += written;
  const frozen = state.move.phase === "copy";
  if (frozen) {
    if (after === null) {
      Object.assign(row, { d1Rows: 0, d1Checksum: "", d1Done: false, recheckRows: 0, recheckChecksum: "", recheckDone: false });
      row.recheck = Date.now() < Date.parse(state.move.movingAt as string) + DRAIN_MS;
    }
    row.d1Rows += page.rows.length;
    row.d1Checksum = await chainChecksum(row.d1Checksum, page.rows);
    row.d1Done = page.done;
    if (table === "user_sessions" && page.rows.length) await locateSessions(db, id, page.rows);
  }
  const following = nextTable(MOVED_TABLES, table);
  if (page.done && !following && !frozen) return freeze(db, state, row);
  const next: Partial<MoveRow> = !page.done
    ? { cursor: cursorText(page.next) }
    : following
      ? { tableName: following, cursor: null }
      : { phase: "verify", tableName: MOVED_TABLES[0], cursor: null };
  await advance(db, state, row, next);
}

/**
 * Sessions in an object are found by id through D1's session_locations (the SDK's logout link names the session
 * alone): the moved sessions get theirs, as a session started in the object does (services/sign-in/session-locations.ts).
 */
async function locateSessions(db: Database, environmentId: string, rows: unknown[][]) {
  const at = columnsOf("user_sessions").indexOf("id");
  await d1Of(db)
    .prepare("INSERT OR IGNORE INTO session_locations (session_id, environment_id) SELECT value, ? FROM json_each(?)")
    .bind(environmentId, JSON.stringify(rows.map((r) => r[at])))
    .run();
}

/**
 * The first pass is done (while the environment was served from D1): the environment turns 'moving' (its writes
 * refused from now on) and the second pass starts, copying only what changed since and taking D1's checksums.
 */
async function freeze(db: Database, state: State, row: TableRow) {
  const id = state.move.environmentId;
  state.unsaved = 0;
  await db.batch([
    tableUpsert(db, row),
    db
      .update(environments)
      .set({ dataLocation: "moving" })
      .where(and(eq(environments.id, id), eq(environments.dataLocation, "d1"))),
    moveUpdate(db, state, { phase: "copy", tableName: MOVED_TABLES[0], cursor: null, movingAt: new Date().toISOString() }),
  ]);
}

/** Counts and checksums the current table in the object, or compares it with D1's once it is done. */
async function verifyPage(db: Database, stub: EnvironmentMoveRpc, state: State) {
  const id = state.move.environmentId;
  const table = state.move.tableName as MovedTable;
  const row = tableOf(state, table);
  if (row.recheck && !row.recheckDone) {
    // Not before the in-flight window has passed: the recheck must see every write that looked the environment up
    // just before it turned 'moving' (a small environment reaches its verify within the window).
    const wait = Date.parse(state.move.movingAt as string) + DRAIN_MS - Date.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    // D1's side again, from the move's cursor (free while it verifies).
    const page = await readPage(d1Read(db), table, id, parseCursor(state.move.cursor));
    row.recheckRows += page.rows.length;
    row.recheckChecksum = await chainChecksum(row.recheckChecksum, page.rows);
    row.recheckDone = page.done;
    await advance(db, state, row, { cursor: page.done ? null : cursorText(page.next) });
    return;
  }
  if (!row.objectDone) {
    const from = { rows: row.objectRows, checksum: row.objectChecksum, next: parseCursor(row.objectCursor), done: false };
    const got = await call(db, state, () => stub.checksum(id, table, from));
    Object.assign(row, {
      objectRows: got.rows,
      objectChecksum: got.checksum,
      objectCursor: cursorText(got.next),
      objectDone: got.done,
    });
    await tableUpsert(db, row);
    return;
  }
  if (row.recheck && (row.recheckRows !== row.d1Rows || row.recheckChecksum !== row.d1Checksum))
    return mismatch(
      db,
      stub,
      state,
      `${table}: D1 changed while it was copied (${row.d1Rows} rows then, ${row.recheckRows} now)`,
    );
  if (!row.d1Done || row.d1Rows !== row.objectRows || row.d1Checksum !== row.objectChecksum)
    return mismatch(db, stub, state, `${table}: D1 has ${row.d1Rows} rows, the object ${row.objectRows}, checksums differ`);
  const after = nextTable(MOVED_TABLES, table);
  if (after) {
    await moveUpdate(db, state, { tableName: after, cursor: null });
    return;
  }
  // Every table checks out: the totals the object's triggers counted must be D1's.
  const inD1 = await d1Read(db)(
    `SELECT ${COUNTED_TOTALS.map((c) => `"${c}"`).join(", ")} FROM environment_totals WHERE environment_id = ?`,
    [id],
  );
  const expected = inD1[0] ?? COUNTED_TOTALS.map(() => 0);
  const counted = await call(db, state, () => stub.totals(id));
  if (JSON.stringify(expected) !== JSON.stringify(counted))
    return mismatch(
      db,
      stub,
      state,
      `environment_totals (${COUNTED_TOTALS.join(", ")}): D1 ${JSON.stringify(expected)}, the object ${JSON.stringify(counted)}`,
    );
  // Nothing to delete from D1 (an environment that held nothing there): nothing to wait for either.
  const now = new Date().toISOString();
  const left = DELETED_TABLES.some((t) => (state.tables.get(t)?.d1Rows ?? 0) > 0);
  await db.batch([
    db
      .update(environments)
      .set({ dataLocation: "object" })
      .where(and(eq(environments.id, id), eq(environments.dataLocation, "moving"))),
    moveUpdate(
      db,
      state,
      left
        ? { phase: "settle", tableName: null, cursor: null, objectAt: now }
        : { phase: "done", tableName: null, cursor: null, objectAt: now, finishedAt: now },
    ),
  ]);
}

/** A copy that does not check out: the object is emptied and the copy starts over, or the move gives up. */
async function mismatch(db: Database, stub: EnvironmentMoveRpc, state: State, error: string) {
  const { environmentId: id, attempt } = state.move;
  console.error(JSON.stringify({ environment_move: "checksums differ", environment_id: id, attempt, error }));
  if (attempt >= MAX_ATTEMPTS) {
    // Its data stays in D1, where it is whole: the environment is served from there again.
    await db.batch([
      db
        .update(environments)
        .set({ dataLocation: "d1" })
        .where(and(eq(environments.id, id), eq(environments.dataLocation, "moving"))),
      moveUpdate(db, state, { phase: "failed", lastError: error, finishedAt: new Date().toISOString() }),
    ]);
    await call(db, state, () => stub.reset(id));
    return;
  }
  await call(db, state, () => stub.reset(id));
  state.tables.clear();
  state.unsaved = 0;
  await db.batch([
    db.delete(environmentMoveTables).where(eq(environmentMoveTables.environmentId, id)),
    moveUpdate(db, state, { phase: "copy", tableName: MOVED_TABLES[0], cursor: null, attempt: attempt + 1, lastError: error }),
  ]);
}

/** Deletes the next rows of the current table from D1 (children first, so no cascade runs long). */
async function deletePage(db: Database, state: State) {
  const table = state.move.tableName as MovedTable;
  const { sql: statement, params } = deleteStatement(table, state.move.environmentId);
  const deleted = (
    await d1Of(db)
      .prepare(statement)
      .bind(...params)
      .all()
  ).results.length;
  const row = tableOf(state, table);
  row.rowsDeleted += deleted;
  const after = nextTable(DELETED_TABLES, table);
  const next: Partial<MoveRow> =
    deleted === PAGE_ROWS
      ? {}
      : after
        ? { tableName: after, cursor: null }
        : { phase: "done", tableName: null, finishedAt: new Date().toISOString() };
  await db.batch([tableUpsert(db, row), moveUpdate(db, state, next)]);
}

/** Calls the object; a failure is recorded as the move's last error and answers 503 (the step is safe to repeat). */
const call = <T>(db: Database, state: State, fn: () => Promise<T>): Promise<T> =>
  reach(async () => {
    try {
      return await fn();
    } catch (err) {
      await moveUpdate(db, state, { lastError: String((err as Error)?.message ?? err).slice(0, 500) });
      throw err;
    }
  });

/** Where an environment's move is: its phase, and per table what was copied, counted and deleted. */
export async function progress(db: Database, environmentId: string): Promise<MoveProgress> {
  const [environment, move, tables] = await db.batch([
    db.select({ dataLocation: environments.dataLocation }).from(environments).where(eq(environments.id, environmentId)),
    db.select().from(environmentMoves).where(eq(environmentMoves.environmentId, environmentId)),
    db
      .select()
      .from(environmentMoveTables)
      .where(eq(environmentMoveTables.environmentId, environmentId))
      .orderBy(asc(environmentMoveTables.tableName)),
  ]);
  if (!environment[0]) throw new ApiError("environment_not_found");
  const m = move[0];
  const location = environment[0].dataLocation;
  const phase = m?.phase ?? (location === "object" ? "done" : "precopy");
  const byTable = new Map(tables.map((t) => [t.tableName, t]));
  // Only a move that found nothing to copy is at no table while copying, or done without a table's record.
  const empty = !!m && m.tableName === null && tables.length === 0 && (phase === "copy" || phase === "done");
  const refusedUntil = m?.objectAt ?? (location === "moving" && m?.movingAt ? new Date().toISOString() : null);
  return {
    environment_id: environmentId,
    data_location: location,
    phase,
    table: m?.tableName ?? null,
    attempt: m?.attempt ?? 0,
    done: phase === "done",
    wait_ms:
      phase === "settle" && m?.objectAt
        ? Math.max(0, Date.parse(m.objectAt) + settleMs() - Date.now())
        : empty && phase === "copy" && m?.movingAt
          ? Math.max(0, Date.parse(m.movingAt) + DRAIN_MS - Date.now())
          : 0,
    started_at: m?.startedAt ?? null,
    object_at: m?.objectAt ?? null,
    finished_at: m?.finishedAt ?? null,
    moving_at: m?.movingAt ?? null,
    writes_refused_ms: m?.movingAt && refusedUntil ? Date.parse(refusedUntil) - Date.parse(m.movingAt) : null,
    empty,
    last_error: m?.lastError ?? null,
    tables: MOVED_TABLES.filter((t) => byTable.has(t)).map((t) => {
      const r = byTable.get(t) as TableRow;
      return {
        table: t,
        rows_copied: r.rowsCopied,
        d1_rows: r.d1Rows,
        object_rows: r.objectRows,
        d1_checksum: r.d1Checksum,
        object_checksum: r.objectChecksum,
        equal: r.d1Done && r.objectDone && r.d1Rows === r.objectRows && r.d1Checksum === r.objectChecksum,
        rows_deleted: r.rowsDeleted,
      };
    }),
  };
}

/** Environments by where their data is, in id order, after `after`. */
export async function environmentsAt(
  db: Database,
  location: "d1" | "moving" | "object",
  after: string | undefined,
  limit: number,
) {
  const rows = await db
    .select({ id: environments.id, dataLocation: environments.dataLocation })
    .from(environments)
    .where(and(eq(environments.dataLocation, location), after ? gt(environments.id, after) : undefined))
    .orderBy(asc(environments.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    data: page.map((r) => ({ id: r.id, data_location: r.dataLocation })),
    after: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

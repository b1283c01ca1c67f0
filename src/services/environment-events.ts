import { eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { encodeTime, ulid } from "ulid";
import type { InferOutput } from "valibot";
import { events, webhookDeliveries } from "../db/schema";
import type { StoreDatabase } from "../env";
import { batch, type RunResult, type Statement } from "../lib/batch";
import type { ApiError } from "../lib/errors";
import { ID_PREFIXES, newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import { mergedSeeks, rowFrom } from "../lib/seek";
import type { EventName, EventObject } from "../schemas/events";
import type { EnvironmentRow } from "./environments";

/**
 * Events of an environment, with WorkOS's names. Every write of the environment API records its events in
 * the same batch (one transaction of its store) as the change (`writeWithEvents`), and queues their webhook deliveries in that batch too.
 */

/** Events are listable for 30 days. */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export type EventRow = typeof events.$inferSelect;

/** An event as `GET /events` lists it and a webhook delivers it. */
export const serializeEvent = (e: EventRow): InferOutput<typeof EventObject> =>
  // The row's `data` is the serialized object its event name says (written by the services' serializers with the event).
  ({
    object: "event",
    id: e.id,
    event: e.event,
    data: e.data,
    created_at: e.createdAt,
    context: {},
  }) as InferOutput<typeof EventObject>;

export interface PendingEvent {
  event: EventName;
  data: Record<string, unknown>;
  organizationId?: string | null;
}

/** What a write of the environment API needs: the database, the environment, and how to wake its webhook dispatcher. */
export interface EnvironmentWriter {
  db: StoreDatabase;
  environment: EnvironmentRow;
  /** Called when a write queued webhook deliveries; must not delay the caller (e.g. `waitUntil`). */
  onDeliveriesQueued: () => void;
}

export interface WriteOptions {
  /** The change applies only if this holds (e.g. the row is still there); otherwise nothing is written and `missing` is thrown. */
  guard?: { exists: SQL; missing: () => ApiError };
  /** Turns a constraint failure (e.g. `UNIQUE constraint failed: users.environment_id, users.email`) into a client error. */
  onConstraint?: (message: string) => ApiError | undefined;
}

/**
 * Writes `changes` and their events in one batch (one transaction), then queues webhook deliveries for every
 * enabled endpoint that subscribes. Returns the results of `changes`, in order.
 *
 * The guard rides on the first event insert: its NOT NULL `data` becomes NULL when the guard fails, which
 * aborts the batch, so a row deleted by a concurrent request is never updated half-way nor reported.
 */
export async function writeWithEvents(
  writer: EnvironmentWriter,
  changes: Statement[],
  pending: PendingEvent[],
  options: WriteOptions = {},
) {
  const { db, environment } = writer;
  const now = new Date().toISOString();
  const ids = pending.map(() => newId("event"));
  const inserts = pending.map((e, i) => {
    const data = JSON.stringify(e.data);
    const value = i === 0 && options.guard ? sql`(SELECT ${data} WHERE ${options.guard.exists})` : sql`${data}`;
    // (drizzle's D1 batch cannot bind raw `db.run(sql)` statements; an insert-select can.)
    return db
      .insert(events)
      .select(sql`SELECT ${ids[i]}, ${environment.id}, ${e.event}, ${value}, ${e.organizationId ?? null}, ${now}`);
  });
  // D1 binds at most 100 parameters per statement: queue the deliveries of many events in chunks.
  const deliveries: Statement[] = [];
  for (let i = 0; i < ids.length; i += 90) deliveries.push(queueDeliveries(db, environment.id, ids.slice(i, i + 90), now));
  let results: unknown[];
  try {
    results = await batch(db, [...inserts, ...changes, ...deliveries]);
  } catch (err) {
    const text = errorText(err);
    if (options.guard && text.includes("NOT NULL constraint failed: events.data")) throw options.guard.missing();
    const known = text.includes("constraint failed") ? options.onConstraint?.(text) : undefined;
    if (known) throw known;
    throw err;
  }
  const queued = results.slice(-deliveries.length).some((r) => ((r as RunResult | undefined)?.meta?.changes ?? 0) > 0);
  if (queued) writer.onDeliveriesQueued();
  return results.slice(inserts.length, inserts.length + changes.length);
}

/**
 * One delivery per (event, enabled endpoint subscribed to it), due now. Delivery ids keep the ULID shape and
 * order: this batch's time prefix and per-row random hex (valid Crockford characters).
 */
function queueDeliveries(db: StoreDatabase, environmentId: string, eventIds: string[], now: string) {
  const prefix = ulid().slice(0, 16);
  // Columns in the table's order: id, environment_id, endpoint_id, event_id, state, attempts, next_attempt_at, created_at, updated_at.
  return db.insert(webhookDeliveries).select(sql`
    SELECT 'whd_' || ${prefix} || upper(hex(randomblob(5))), w.environment_id, w.id, v.id, 'pending', 0, ${now}, ${now}, ${now}
    FROM events v JOIN webhook_endpoints w ON w.environment_id = v.environment_id
    WHERE v.environment_id = ${environmentId} AND v.id IN (${sql.join(
      eventIds.map((id) => sql`${id}`),
      sql`, `,
    )})
      AND w.status = 'enabled' AND EXISTS (SELECT 1 FROM json_each(w.events) j WHERE j.value = v.event)`);
}

export const errorText = (err: unknown) =>
  `${(err as Error)?.message ?? err} ${(err as { cause?: Error })?.cause?.message ?? ""}`;

// ---- Listing ----------------------------------------------------------------------------------------

export interface EventFilters {
  events?: string[];
  organization_id?: string;
  range_start?: string;
  range_end?: string;
}

/**
 * The environment's events of the last 30 days, newest first by default, with the SDK's filters.
 * Event ids are ULIDs, so the time range becomes an id range: every filter stays an index range scan.
 */
export async function listEvents(db: StoreDatabase, environmentId: string, params: ListParams & EventFilters) {
  const q = paginate(events.id, params);
  const oldest = Date.now() - EVENT_RETENTION_MS;
  const start = Math.max(oldest, params.range_start ? Date.parse(params.range_start) : 0);
  const idAt = (ms: number) => `${ID_PREFIXES.event}_${encodeTime(ms, 10)}`;
  const filter = (event?: string) =>
    where(
      eq(events.environmentId, environmentId),
      event !== undefined ? eq(events.event, event) : undefined,
      params.organization_id ? eq(events.organizationId, params.organization_id) : undefined,
      gte(events.id, idAt(start)),
      params.range_end ? lt(events.id, idAt(Date.parse(params.range_end) + 1)) : undefined,
      q.where,
    );
  if (params.events?.length) {
    // One index seek per event name (events_environment_event_idx), merged in id order: no scan, no sort.
    const names = [...new Set(params.events)];
    const raw = await mergedSeeks(
      db,
      names.map((name) => db.select().from(events).where(filter(name)).getSQL()),
      params,
    );
    return q.page(
      raw.map((r) => rowFrom(events, r)),
      serializeEvent,
    );
  }
  const rows = await db.select().from(events).where(filter()).orderBy(q.orderBy).limit(q.limit);
  return q.page(rows, serializeEvent);
}

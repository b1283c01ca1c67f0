import { and, desc, eq, inArray, sql } from "drizzle-orm";
import {
  apiKeys,
  connections,
  environments,
  environmentTotals,
  organizations,
  webhookDeliveries,
  webhookDeliveryAttempts,
} from "../db/schema";
import type { StoreFor } from "../db/store-client";
import type { Database, StoreDatabase } from "../env";
import { batch } from "../lib/batch";
import { type ListParams, paginate, where } from "../lib/pagination";
import { type EnvironmentRow, firstEnvironmentsOfProjects } from "./environments";
import { type ProjectConfigKind, uncopyableConfigOfProjects } from "./project-config-kinds";
import type { TeamRow } from "./teams";

/**
 * Read-only summaries for the dashboard (the transfer review, the source picker, webhook endpoints). Every
 * query is a seek on a primary key or an `(environment_id, id)`-style index, for a bounded list of ids.
 */

export interface Holdings {
  users: number;
  organizations: number;
  connections: number;
  api_keys: number;
  webhook_endpoints: number;
}

/**
 * What each environment holds (users, organizations, connections, live keys, webhook endpoints); at most 90 ids.
 * One seek per environment into environment_totals, the exact counts the databases keep with triggers (migrations
 * 0008, 0009), never a COUNT(*) over the rows themselves (a million users is a million rows read): its keys' in D1
 * (one batch), the rest in the environment's own store (`storeFor`, told where by the same D1 batch; one batch per store). Keys: the total keeps
 * those without an expiry; those whose expiry is still ahead are counted by a range seek that reads only them (an
 * expiry passing writes nothing a trigger could count; expired keys are never read).
 */
export async function environmentHoldings(
  db: Database,
  storeFor: StoreFor,
  environmentIds: string[],
): Promise<Map<string, Holdings>> {
  const ids = [...new Set(environmentIds.slice(0, 90))];
  const out = new Map<string, Holdings>(
    ids.map((id) => [id, { users: 0, organizations: 0, connections: 0, api_keys: 0, webhook_endpoints: 0 }]),
  );
  if (ids.length === 0) return out;
  const now = new Date().toISOString();
  // One `=` seek per environment, in one batch (an IN list costs D1 two rows read per id).
  const keySeek = (id: string) =>
    db
      .select({
        environmentId: environmentTotals.environmentId,
        withoutExpiry: environmentTotals.apiKeysWithoutExpiry,
        expiringLater: sql<number>`(SELECT count(*) FROM ${apiKeys} WHERE ${apiKeys.environmentId} = ${id} AND ${apiKeys.expiresAt} > ${now})`,
        // Where the rest of its totals are: D1, or its own object.
        dataLocation: sql<
          EnvironmentRow["dataLocation"]
        >`(SELECT ${environments.dataLocation} FROM ${environments} WHERE ${environments.id} = ${id})`,
      })
      .from(environmentTotals)
      .where(eq(environmentTotals.environmentId, id));
  const [first, ...rest] = ids.map(keySeek);
  const keys = (await batch(db, [first, ...rest])) as {
    environmentId: string;
    withoutExpiry: number;
    expiringLater: number;
    dataLocation: EnvironmentRow["dataLocation"];
  }[][];
  const byStore = new Map<StoreDatabase, string[]>();
  for (const k of keys.flat()) {
    const store = storeFor({ id: k.environmentId, dataLocation: k.dataLocation });
    byStore.set(store, [...(byStore.get(store) ?? []), k.environmentId]);
  }
  const stored = await Promise.all([
    ...[...byStore].map(
      ([store, of]) =>
        batch(
          store,
          of.map((id) => store.select().from(environmentTotals).where(eq(environmentTotals.environmentId, id))),
        ) as Promise<(typeof environmentTotals.$inferSelect)[][]>,
    ),
  ]);
  for (const t of stored.flat(2))
    out.set(t.environmentId, {
      users: t.users,
      organizations: t.organizations,
      connections: t.connections,
      api_keys: 0,
      webhook_endpoints: t.webhookEndpoints,
    });
  for (const k of keys.flat()) {
    const holdings = out.get(k.environmentId);
    if (holdings) holdings.api_keys = k.withoutExpiry + Number(k.expiringLater);
  }
  return out;
}

export interface SourceEligibility {
  /** The project's first environments (at most SOURCE_ENVIRONMENTS_SHOWN), shown beside it. */
  environments: { id: string; name: string }[];
  /** SOURCE_ENVIRONMENTS_SHOWN were found: more may follow. */
  more: boolean;
  config: ProjectConfigKind[];
}

export const SOURCE_ENVIRONMENTS_SHOWN = 3;

/**
 * Whether each project can be a transfer's source: its first environments (a second one is what a source
 * needs; never a count over all of them) and its uncopyable configuration (EXISTS checks). At most 90 projects.
 */
export async function transferSourceEligibility(
  db: Database,
  team: TeamRow,
  projectIds: string[],
): Promise<Map<string, SourceEligibility>> {
  const ids = projectIds.slice(0, 90);
  const [envs, configs] = await Promise.all([
    firstEnvironmentsOfProjects(db, team, ids, SOURCE_ENVIRONMENTS_SHOWN),
    uncopyableConfigOfProjects(db, ids),
  ]);
  return new Map(
    ids.map((id, i) => [
      id,
      { environments: envs[i].data.map((e) => ({ id: e.id, name: e.name })), more: envs[i].full, config: configs[i] },
    ]),
  );
}

/** The latest deliveries of an endpoint (newest events first) with their attempts. */
export async function recentDeliveries(db: StoreDatabase, environmentId: string, endpointId: string, limit = 5) {
  const deliveries = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.environmentId, environmentId)))
    // Event ids are ULIDs: the unique (endpoint_id, event_id) index serves this order.
    .orderBy(desc(webhookDeliveries.eventId))
    .limit(limit)
    .all();
  const attempts = deliveries.length
    ? await db
        .select()
        .from(webhookDeliveryAttempts)
        .where(
          inArray(
            webhookDeliveryAttempts.deliveryId,
            deliveries.map((d) => d.id),
          ),
        )
        .orderBy(webhookDeliveryAttempts.deliveryId, webhookDeliveryAttempts.attempt)
        .all()
    : [];
  return deliveries.map((d) => ({
    id: d.id,
    event_id: d.eventId,
    state: d.state,
    attempts: attempts
      .filter((a) => a.deliveryId === d.id)
      .map((a) => ({
        attempt: a.attempt,
        status_code: a.statusCode,
        error: a.error,
        duration_ms: a.durationMs,
        created_at: a.createdAt,
      })),
    next_attempt_at: d.nextAttemptAt,
    created_at: d.createdAt,
  }));
}

/**
 * Organizations by name only, a page at a time: what a form's select or the directory shows (the environment
 * API's list also reads every organization's domains).
 */
export async function organizationNames(db: StoreDatabase, environmentId: string, params: ListParams) {
  const q = paginate(organizations.id, params);
  const rows = await db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(where(eq(organizations.environmentId, environmentId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, (o) => o);
}

/** Connections without their organizations' domains (the environment API's list reads those too), a page at a time. */
export async function connectionSummaries(db: StoreDatabase, environmentId: string, params: ListParams) {
  const q = paginate(connections.id, params);
  const rows = await db
    .select()
    .from(connections)
    .where(where(eq(connections.environmentId, environmentId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, (c) => ({
    id: c.id,
    name: c.name,
    connection_type: c.connectionType,
    state: c.state,
    organization_id: c.organizationId,
  }));
}

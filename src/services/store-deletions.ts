import { and, eq, ne, type SQL, sql } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { environments, storeDeletions } from "../db/schema";
import type { Database } from "../env";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { StoreDeletionObject } from "../schemas/teams";

/**
 * Environments deleted from D1 whose object still holds their data (migrations/0017_store_deletions.sql). The
 * deletion commits in D1 first, with these rows in its batch; the project's coordinator then empties each object
 * and removes its row (coordinator/store-deletions.ts). Until then the team sees it as pending.
 */
export type StoreDeletionRow = typeof storeDeletions.$inferSelect;

/**
 * A pending deletion for every environment `which` selects whose data is in an object: put it in the batch that
 * deletes them, before the delete (an environment still in D1 takes its data with it: the foreign keys cascade).
 */
export function queueStoreDeletions(db: Database, which: SQL | undefined) {
  const now = new Date().toISOString();
  return db
    .insert(storeDeletions)
    .select(
      db
        .select({
          environmentId: environments.id,
          teamId: environments.teamId,
          projectId: environments.projectId,
          requestedAt: sql<string>`${now}`.as("requested_at"),
          attempts: sql<number>`0`.as("attempts"),
          lastError: sql<null>`NULL`.as("last_error"),
        })
        .from(environments)
        .where(and(which, ne(environments.dataLocation, "d1"))),
    )
    .onConflictDoNothing();
}

/** The project's deletions still to do. */
export const pendingStoreDeletions = (db: Database, projectId: string) =>
  db.select().from(storeDeletions).where(eq(storeDeletions.projectId, projectId));

/** The object is empty: the deletion is done. */
export const storeDeletionDone = (db: Database, environmentId: string) =>
  db.delete(storeDeletions).where(eq(storeDeletions.environmentId, environmentId));

/** The object could not be emptied this time: counted, and tried again later. */
export const storeDeletionFailed = (db: Database, environmentId: string, error: string) =>
  db
    .update(storeDeletions)
    .set({ attempts: sql`${storeDeletions.attempts} + 1`, lastError: error.slice(0, 500) })
    .where(eq(storeDeletions.environmentId, environmentId));

export const serializeStoreDeletion = (r: StoreDeletionRow): InferOutput<typeof StoreDeletionObject> => ({
  object: "environment_deletion",
  environment_id: r.environmentId,
  project_id: r.projectId,
  state: "pending",
  requested_at: r.requestedAt,
  attempts: r.attempts,
});

/** `GET /teams/:team_id/deletions`: the team's deleted environments whose data is still being erased. */
export async function listStoreDeletions(db: Database, teamId: string, params: ListParams) {
  const q = paginate(storeDeletions.environmentId, params);
  const rows = await db
    .select()
    .from(storeDeletions)
    .where(where(eq(storeDeletions.teamId, teamId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(
    rows.map((r) => ({ ...r, id: r.environmentId })),
    serializeStoreDeletion,
  );
}

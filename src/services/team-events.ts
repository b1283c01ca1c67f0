import { eq, type SQL, sql } from "drizzle-orm";
import { teamEvents } from "../db/schema";
import type { Database } from "../env";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";

/** Team activity types, as listed by `GET /platform/teams/:id/events`. */
export type TeamEventType =
  | "team.created"
  | "billing.updated"
  | "project.created"
  | "project.updated"
  | "project.deleted"
  | "environment.created"
  | "environment.updated"
  | "environment.deleted"
  | "environment.transferred"
  | "api_key.created"
  | "api_key.expired"
  | "project_config.updated";

/** The insert of one team event, to put in the same batch as the change it records. */
export const recordTeamEvent = (db: Database, teamId: string, type: TeamEventType, actor: string, data: Record<string, unknown>) =>
  db.insert(teamEvents).values({ id: newId("event"), teamId, type, actor, data });

/**
 * The insert of one team event that happens only if `exists` holds when its batch runs, e.g. "the row this
 * change updated is there": put it after the change, so a change that found nothing records nothing.
 */
export const recordTeamEventIf = (db: Database, exists: SQL, teamId: string, type: TeamEventType, actor: string, data: Record<string, unknown>) =>
  // Insert-select: the selected values are in the table's column order (id, team_id, type, data, actor, created_at).
  db
    .insert(teamEvents)
    .select(
      sql`SELECT ${newId("event")}, ${teamId}, ${type}, ${JSON.stringify(data)}, ${actor}, ${new Date().toISOString()} WHERE ${exists}`,
    );

export async function listTeamEvents(db: Database, teamId: string, params: ListParams) {
  const q = paginate(teamEvents.id, params);
  const rows = await db.select().from(teamEvents).where(where(eq(teamEvents.teamId, teamId), q.where)).orderBy(q.orderBy).limit(q.limit);
  return q.page(rows, (e) => ({ object: "team_event", id: e.id, type: e.type, actor: e.actor, data: e.data, created_at: e.createdAt }));
}

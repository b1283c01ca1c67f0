import { eq, type SQL, sql } from "drizzle-orm";
import { teamEvents } from "../db/schema";
import type { Database } from "../env";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { Serializes } from "../schemas/fields";
import type { TeamEventObject } from "../schemas/teams";
import { type ActorRef, actorFromColumn, actorToColumn } from "./people/actor";

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
  | "project_config.updated"
  | "invitation.created"
  | "invitation.resent"
  | "invitation.revoked"
  | "invitation.accepted"
  | "member.updated"
  | "member.removed";

/**
 * The insert of one team event, to put in the same batch as the change it records. `actor` is who did it:
 * an Actor (stored as JSON), or a bare platform client id as older callers pass (read back as a client actor).
 */
export const recordTeamEvent = (
  db: Database,
  teamId: string,
  type: TeamEventType,
  actor: ActorRef,
  data: Record<string, unknown>,
) => db.insert(teamEvents).values({ id: newId("event"), teamId, type, actor: actorToColumn(actor), data });

/**
 * The insert of one team event that happens only if `exists` holds when its batch runs, e.g. "the row this
 * change updated is there": put it after the change, so a change that found nothing records nothing.
 */
export const recordTeamEventIf = (
  db: Database,
  exists: SQL,
  teamId: string,
  type: TeamEventType,
  actor: ActorRef,
  data: Record<string, unknown>,
) =>
  // Insert-select: the selected values are in the table's column order (id, team_id, type, data, actor, created_at).
  db
    .insert(teamEvents)
    .select(
      sql`SELECT ${newId("event")}, ${teamId}, ${type}, ${JSON.stringify(data)}, ${actorToColumn(actor)}, ${new Date().toISOString()} WHERE ${exists}`,
    );

export const serializeTeamEvent = (e: typeof teamEvents.$inferSelect) => ({
  object: "team_event" as const,
  id: e.id,
  type: e.type,
  actor: actorFromColumn(e.actor),
  data: e.data,
  created_at: e.createdAt,
});

export async function listTeamEvents(db: Database, teamId: string, params: ListParams) {
  const q = paginate(teamEvents.id, params);
  const rows = await db
    .select()
    .from(teamEvents)
    .where(where(eq(teamEvents.teamId, teamId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeTeamEvent);
}

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeTeamEvent, typeof TeamEventObject>;

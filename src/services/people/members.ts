import { and, eq, sql } from "drizzle-orm";
import { members, people, personSessions, type Role, teamEvents, teams } from "../../db/schema";
import type { Database, PlatformCaller } from "../../env";
import { ApiError, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { type ListParams, paginate, where } from "../../lib/pagination";
import type { Serializes } from "../../schemas/fields";
import type { MemberObject } from "../../schemas/members";
import { type Actor, actorToColumn, clientActor } from "./actor";

export type MemberRow = typeof members.$inferSelect;
export type PersonRow = typeof people.$inferSelect;

export const serializeMember = (m: MemberRow, p: Pick<PersonRow, "email" | "name">) => ({
  object: "team_member" as const,
  id: m.id,
  team_id: m.teamId,
  email: p.email,
  name: p.name,
  role_slug: m.role,
  created_at: m.createdAt,
  updated_at: m.updatedAt,
});

/** Who is acting: the member (on a team's route), the person, or the platform client. */
export function actorOfCaller(caller: PlatformCaller): Actor {
  if (caller.person) return { type: "member", id: caller.member?.id ?? caller.person.id, email: caller.person.email };
  return clientActor(caller.clientId);
}

/** A person's membership of a team, with the team: one indexed lookup, made on every request of a person. */
export async function membershipOf(db: Database, teamId: string, personId: string) {
  return db
    .select({ team: teams, member: members })
    .from(members)
    .innerJoin(teams, eq(teams.id, members.teamId))
    .where(and(eq(members.teamId, teamId), eq(members.personId, personId)))
    .get();
}

/** The teams a person is a member of, paginated like every list. */
export async function listTeamsOfPerson<Out>(
  db: Database,
  personId: string,
  params: ListParams,
  serialize: (t: typeof teams.$inferSelect) => Out,
) {
  const q = paginate(teams.id, params);
  const rows = await db
    .select({ team: teams })
    .from(members)
    .innerJoin(teams, eq(teams.id, members.teamId))
    .where(where(eq(members.personId, personId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(
    rows.map((r) => r.team),
    serialize,
  );
}

export async function listMembers(db: Database, teamId: string, params: ListParams) {
  const q = paginate(members.id, params);
  const rows = await db
    .select({ member: members, person: { email: people.email, name: people.name } })
    .from(members)
    .innerJoin(people, eq(people.id, members.personId))
    .where(where(eq(members.teamId, teamId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(
    rows.map((r) => ({ ...r.member, person: r.person })),
    (r) => serializeMember(r, r.person),
  );
}

export async function getMember(db: Database, teamId: string, memberId: string) {
  const row = await db
    .select({ member: members, person: { email: people.email, name: people.name } })
    .from(members)
    .innerJoin(people, eq(people.id, members.personId))
    .where(and(eq(members.teamId, teamId), eq(members.id, memberId)))
    .get();
  if (!row) throw notFound("member", memberId);
  return row;
}

/**
 * The last-admin guard as SQL: true when the member is not an admin, or another admin remains. D1 runs one
 * statement at a time, so each of many simultaneous demotions sees the others' committed effect: at most
 * all but one admin can be demoted or removed.
 */
const keepsAnAdmin = (teamId: string, memberId: string) =>
  sql`(${members.role} <> 'admin' OR (SELECT count(*) FROM members AS other WHERE other.team_id = ${teamId} AND other.role = 'admin' AND other.id <> ${memberId}) >= 1)`;

/** Changes a member's role: 404 for another team's member, 409 `team_must_keep_admin` for the last admin's demotion. */
export function updateRoleStatement(db: Database, teamId: string, memberId: string, role: Role) {
  const guard = role === "admin" ? sql`1` : keepsAnAdmin(teamId, memberId);
  return db
    .update(members)
    .set({ role, updatedAt: new Date().toISOString() })
    .where(and(eq(members.teamId, teamId), eq(members.id, memberId), guard))
    .returning();
}

export function removeMemberStatement(db: Database, teamId: string, memberId: string) {
  return db
    .delete(members)
    .where(and(eq(members.teamId, teamId), eq(members.id, memberId), keepsAnAdmin(teamId, memberId)))
    .returning();
}

/** Ends the sessions of a person who is on no team any more (in the batch that removed the last membership). */
export function revokeSessionsIfTeamless(db: Database, personId: string) {
  return db
    .update(personSessions)
    .set({ revokedAt: new Date().toISOString() })
    .where(
      and(
        eq(personSessions.personId, personId),
        sql`${personSessions.revokedAt} IS NULL`,
        sql`NOT EXISTS (SELECT 1 FROM members WHERE members.person_id = ${personId})`,
      ),
    );
}

/** Why a guarded write changed nothing: the member is gone (404) or is the last admin (409). */
export async function explainRefusedMemberWrite(db: Database, teamId: string, memberId: string): Promise<never> {
  const still = await db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.teamId, teamId), eq(members.id, memberId)))
    .get();
  if (!still) throw notFound("member", memberId);
  throw new ApiError("team_must_keep_admin");
}

export const isMemberOfTeam = async (db: Database, teamId: string, email: string) =>
  !!(await db
    .select({ id: members.id })
    .from(members)
    .innerJoin(people, eq(people.id, members.personId))
    .where(and(eq(members.teamId, teamId), eq(people.email, email)))
    .get());

export const personByEmail = (db: Database, email: string) => db.select().from(people).where(eq(people.email, email)).get();

/**
 * A team event recorded only if the statement just before it in the batch changed exactly one row
 * (SQLite's `changes()`): a guarded write that was refused leaves no event, a done one always has its event.
 */
export function teamEventIfChanged(db: Database, teamId: string, type: string, actor: Actor, data: Record<string, unknown>) {
  return db
    .insert(teamEvents)
    .select(
      sql`SELECT ${newId("event")}, ${teamId}, ${type}, ${JSON.stringify(data)}, ${actorToColumn(actor)}, ${new Date().toISOString()} WHERE changes() = 1`,
    );
}

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeMember, typeof MemberObject>;

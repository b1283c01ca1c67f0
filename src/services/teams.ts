import { and, eq } from "drizzle-orm";
import { projects, teamBilling, teams } from "../db/schema";
import type { Database, PlatformCaller } from "../env";
import { batch } from "../lib/batch";
import { notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { Serializes } from "../schemas/fields";
import type { BillingObject, TeamObject } from "../schemas/teams";
import { newEnvironmentRows } from "./environments";
import { firstAdminInvitation, listTeamsOfPerson } from "./people/team-hooks";
import { recordTeamEvent } from "./team-events";

export type TeamRow = typeof teams.$inferSelect;

export const serializeTeam = (t: TeamRow) => ({
  object: "team" as const,
  id: t.id,
  name: t.name,
  production_state: t.productionEnabledAt ? ("Active" as const) : ("Inactive" as const),
  production_enabled_at: t.productionEnabledAt,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
});

export const DEFAULT_PROJECT_NAME = "Default";

/** A new team with its default project holding `Staging` and `Production` (locked until billing). */
export async function insertTeam(db: Database, caller: PlatformCaller, input: { name: string; admin_email: string }) {
  const team: TeamRow = {
    id: newId("team"),
    ownerClientId: caller.clientId,
    name: input.name,
    adminEmail: input.admin_email,
    productionEnabledAt: null,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
  const project = { id: newId("project"), teamId: team.id, name: DEFAULT_PROJECT_NAME };
  const envRows = newEnvironmentRows(team.id, project.id, [
    { name: "Staging", production: false },
    { name: "Production", production: true },
  ]);
  await batch(db, [
    db.insert(teams).values(team),
    db.insert(projects).values(project),
    ...envRows.statements(db),
    recordTeamEvent(db, team.id, "team.created", caller.clientId, { team_id: team.id, name: team.name }),
    ...(await firstAdminInvitation(db, team, caller)),
    recordTeamEvent(db, team.id, "project.created", caller.clientId, {
      project_id: project.id,
      name: project.name,
      environment_ids: envRows.environments.map((e) => e.id),
    }),
  ]);
  return team;
}

/** The caller's team, or 404: another client's team is indistinguishable from a missing one. */
export async function getTeam(db: Database, caller: PlatformCaller, teamId: string): Promise<TeamRow> {
  const team = await db
    .select()
    .from(teams)
    .where(and(eq(teams.id, teamId), eq(teams.ownerClientId, caller.clientId)))
    .get();
  if (!team) throw notFound("team", teamId);
  return team;
}

export async function listTeams(db: Database, caller: PlatformCaller, params: ListParams) {
  if (caller.person) return listTeamsOfPerson(db, caller.person.id, params, serializeTeam);
  const q = paginate(teams.id, params);
  const rows = await db
    .select()
    .from(teams)
    .where(where(eq(teams.ownerClientId, caller.clientId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeTeam);
}

/** Only the last four characters of a payment method are kept. */
const obfuscate = (paymentMethod: string) => `•••• ${paymentMethod.replace(/\s+/g, "").slice(-4)}`;

export const serializeBilling = (teamId: string, b: typeof teamBilling.$inferSelect) => ({
  object: "billing" as const,
  team_id: teamId,
  billing_email: b.billingEmail,
  payment_method: b.paymentMethod,
  created_at: b.createdAt,
  updated_at: b.updatedAt,
});

/**
 * Records billing: production becomes Active and, since `locked` is derived from that state, every
 * production environment of the team is unlocked in the same write.
 */
export async function replaceBilling(
  db: Database,
  caller: PlatformCaller,
  team: TeamRow,
  input: { billing_email: string; payment_method: string },
) {
  const now = new Date().toISOString();
  const values = {
    teamId: team.id,
    billingEmail: input.billing_email,
    paymentMethod: obfuscate(input.payment_method),
    updatedAt: now,
  };
  const activating = team.productionEnabledAt === null;
  const [billing] = await db.batch([
    db.insert(teamBilling).values(values).onConflictDoUpdate({ target: teamBilling.teamId, set: values }).returning(),
    db
      .update(teams)
      .set({ productionEnabledAt: team.productionEnabledAt ?? now, updatedAt: now })
      .where(eq(teams.id, team.id)),
    recordTeamEvent(db, team.id, "billing.updated", caller.clientId, { production_state: "Active", activated: activating }),
  ]);
  return { billing: billing[0], team: { ...team, productionEnabledAt: team.productionEnabledAt ?? now, updatedAt: now } };
}

export async function getBilling(db: Database, team: TeamRow) {
  const billing = await db.select().from(teamBilling).where(eq(teamBilling.teamId, team.id)).get();
  if (!billing) throw notFound("billing");
  return billing;
}

/** Whether production environments of this team are locked (derived, never stored). */
export { productionLocked } from "./environments";

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeTeam, typeof TeamObject>;
true satisfies Serializes<typeof serializeBilling, typeof BillingObject>;

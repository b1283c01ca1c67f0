import { and, count, eq, inArray, sql } from "drizzle-orm";
import { applications, environments, projects, type teams } from "../db/schema";
import type { Database } from "../env";
import { batch, type Statement } from "../lib/batch";
import { ApiError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { EnvironmentObject } from "../schemas/environments";
import type { Serializes } from "../schemas/fields";
import type { ActorRef } from "./people/actor";
import { queueStoreDeletions } from "./store-deletions";
import { recordTeamEvent, recordTeamEventIf } from "./team-events";

type TeamRow = typeof teams.$inferSelect;

/** A team without billing keeps its production environments locked (`locked` is derived, never stored). */
export const productionLocked = (team: Pick<TeamRow, "productionEnabledAt">) => team.productionEnabledAt === null;

export type EnvironmentRow = typeof environments.$inferSelect;

export const serializeEnvironment = (e: EnvironmentRow, team: Pick<TeamRow, "productionEnabledAt">) => ({
  object: "environment" as const,
  id: e.id,
  project_id: e.projectId,
  name: e.name,
  production: e.production,
  locked: e.production && productionLocked(team),
  client_id: e.clientId,
  require_email_verification: e.requireEmailVerification,
  created_at: e.createdAt,
  updated_at: e.updatedAt,
});

/**
 * New environment rows and what each starts with (one default application), as batchable inserts.
 * Ids are minted here, before any write, so a retried operation can reuse them.
 */
export function newEnvironmentRows(
  teamId: string,
  projectId: string,
  specs: { name: string; production: boolean; id?: string; clientId?: string }[],
) {
  const now = new Date().toISOString();
  const rows: EnvironmentRow[] = specs.map((s) => ({
    id: s.id ?? newId("environment"),
    teamId,
    projectId,
    name: s.name,
    production: s.production,
    clientId: s.clientId ?? newId("client"),
    createdAt: now,
    updatedAt: now,
    requireEmailVerification: false,
    // Every environment made now keeps its data in its own object (src/environment-store).
    dataLocation: "object",
  }));
  return {
    environments: rows,
    statements: (db: Database): Statement[] => [
      db.insert(environments).values(rows),
      db.insert(applications).values(
        rows.map((e) => ({
          id: newId("application"),
          environmentId: e.id,
          name: "Default application",
          type: "web" as const,
          // The environment's own client id is its default application's.
          clientId: e.clientId,
          redirectUris: [],
          isDefault: true,
        })),
      ),
    ],
  };
}

/** One of the team's environments, or 404. */
export async function getEnvironment(db: Database, teamId: string, environmentId: string): Promise<EnvironmentRow> {
  const env = await db
    .select()
    .from(environments)
    .where(and(eq(environments.id, environmentId), eq(environments.teamId, teamId)))
    .get();
  if (!env) throw notFound("environment", environmentId);
  return env;
}

export async function listEnvironments(db: Database, team: TeamRow, params: ListParams & { project_id?: string }) {
  const q = paginate(environments.id, params);
  // With a project: its (project_id, id) index; the unary + keeps SQLite from walking the team's index instead
  // (both give id order; the team's would read every environment of the team to find the project's).
  const owner = params.project_id
    ? and(eq(environments.projectId, params.project_id), sql`+${environments.teamId} = ${team.id}`)
    : eq(environments.teamId, team.id);
  const rows = await db.select().from(environments).where(where(owner, q.where)).orderBy(q.orderBy).limit(q.limit);
  return q.page(rows, (e) => serializeEnvironment(e, team));
}

/**
 * The environments of a page of projects (the dashboard's team page), in id order: one seek per project on
 * environments_project_idx, never the whole team's environments. At most 99 projects (D1 binds 100 parameters).
 */
export async function environmentsOfProjects(db: Database, team: TeamRow, projectIds: string[]) {
  if (projectIds.length === 0) return [];
  if (projectIds.length > 99) throw new Error("environmentsOfProjects: at most 99 projects per call");
  const rows = await db
    .select()
    .from(environments)
    .where(and(inArray(environments.projectId, projectIds), sql`+${environments.teamId} = ${team.id}`));
  // Sorted here: an ORDER BY would add a sorter, which D1 bills as rows read again.
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1)).map((e) => serializeEnvironment(e, team));
}

/**
 * The first `n` environments of each project (id order), no look-ahead row (see `firstProjects`): one seek per
 * project on environments_project_idx, all in one batch (one round trip).
 */
export async function firstEnvironmentsOfProjects(db: Database, team: TeamRow, projectIds: string[], n: number) {
  if (projectIds.length === 0) return [];
  const seek = (projectId: string) =>
    db
      .select()
      .from(environments)
      .where(and(eq(environments.projectId, projectId), sql`+${environments.teamId} = ${team.id}`))
      .orderBy(environments.id)
      .limit(n);
  const [first, ...rest] = projectIds.map(seek);
  const pages = await db.batch([first, ...rest]);
  // `rows` beside their objects: a page that reads each environment's data needs where it lives.
  return pages.map((rows) => ({ data: rows.map((e) => serializeEnvironment(e, team)), full: rows.length === n, rows }));
}

/**
 * Renames an environment or changes its settings (`requireEmailVerification`); an unknown one (or one deleted
 * meanwhile) is a 404 that records no event.
 */
export async function renameEnvironment(
  db: Database,
  actor: ActorRef,
  team: TeamRow,
  environmentId: string,
  change: { name?: string; requireEmailVerification?: boolean },
) {
  const now = new Date().toISOString();
  const ofTeam = and(eq(environments.id, environmentId), eq(environments.teamId, team.id));
  const [updated] = await db.batch([
    db
      .update(environments)
      .set({ ...change, updatedAt: now })
      .where(ofTeam)
      .returning(),
    recordTeamEventIf(db, sql`EXISTS (SELECT 1 FROM ${environments} WHERE ${ofTeam})`, team.id, "environment.updated", actor, {
      environment_id: environmentId,
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.requireEmailVerification !== undefined ? { require_email_verification: change.requireEmailVerification } : {}),
    }),
  ]);
  if (!updated[0]) throw notFound("environment", environmentId);
  return updated[0];
}

export const refuseMoveIntoExistingProject = () =>
  new ApiError(
    "move_requires_transfer",
    "Moving environments into an existing project is a transfer, with its review step: POST /platform/teams/:team_id/transfers (preview it with POST /platform/teams/:team_id/projects/transfer_preview).",
    { endpoint: "POST /platform/teams/:team_id/transfers" },
  );

export const productionRequiresBilling = () =>
  new ApiError(
    "production_environment_requires_billing",
    "Production environments are locked until the team adds billing information (PUT /platform/teams/:team_id/billing).",
  );

// ---- Operations run inside the project's coordinator (serialized per project) ----------------------

export interface CreateEnvironmentOp {
  teamId: string;
  projectId: string;
  actor: ActorRef;
  environment: { id: string; clientId: string; name: string; production: boolean };
}

/** Adds an environment to a project. Runs in the project's coordinator: it changes the project's environment set. */
export async function applyCreateEnvironment(db: Database, op: CreateEnvironmentOp): Promise<EnvironmentRow> {
  const rows = newEnvironmentRows(op.teamId, op.projectId, [op.environment]);
  const existing = await db.select().from(environments).where(eq(environments.id, op.environment.id)).get();
  if (existing) return existing; // a retry of an operation that already committed
  // The project may have been deleted while this operation waited its turn. (The composite foreign key
  // would refuse it too, but as a server error.)
  const project = await db
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.id, op.projectId), eq(projects.teamId, op.teamId)))
    .get();
  if (!project) throw notFound("project", op.projectId);
  await batch(db, [
    ...rows.statements(db),
    recordTeamEvent(db, op.teamId, "environment.created", op.actor, {
      environment_id: op.environment.id,
      project_id: op.projectId,
      name: op.environment.name,
      production: op.environment.production,
    }),
  ]);
  return rows.environments[0];
}

export interface DeleteEnvironmentOp {
  teamId: string;
  projectId: string;
  environmentId: string;
  actor: ActorRef;
}

/** Deletes an environment and everything it owns, unless it is its project's last one. */
export async function applyDeleteEnvironment(db: Database, op: DeleteEnvironmentOp): Promise<{ deleted: true }> {
  const env = await db
    .select()
    .from(environments)
    .where(and(eq(environments.id, op.environmentId), eq(environments.teamId, op.teamId)))
    .get();
  if (!env) throw notFound("environment", op.environmentId);
  if (env.projectId !== op.projectId) throw new ApiError("environment_moved", "The environment moved to another project; retry.");
  const [{ n }] = await db.select({ n: count() }).from(environments).where(eq(environments.projectId, op.projectId));
  if (n <= 1) throw projectMustKeepEnvironment();
  // The trigger environments_keep_one_on_delete refuses the delete if the count changed around us.
  await batch(db, [
    queueStoreDeletions(db, eq(environments.id, env.id)),
    db.delete(environments).where(eq(environments.id, env.id)),
    recordTeamEvent(db, op.teamId, "environment.deleted", op.actor, {
      environment_id: env.id,
      project_id: env.projectId,
      name: env.name,
    }),
  ]);
  return { deleted: true };
}

export const projectMustKeepEnvironment = () =>
  new ApiError("project_must_keep_environment", "A project must keep at least one environment; this is its last one.");

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeEnvironment, typeof EnvironmentObject>;

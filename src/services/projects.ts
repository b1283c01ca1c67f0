import { and, count, eq, sql } from "drizzle-orm";
import { environments, projects } from "../db/schema";
import type { Database } from "../env";
import { batch } from "../lib/batch";
import { ApiError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { Serializes } from "../schemas/fields";
import type { ProjectObject, ProjectWithEnvironmentsObject } from "../schemas/projects";
import { type EnvironmentRow, newEnvironmentRows, serializeEnvironment } from "./environments";
import type { ActorRef } from "./people/actor";
import { queueStoreDeletions } from "./store-deletions";
import { recordTeamEvent, recordTeamEventIf } from "./team-events";
import type { TeamRow } from "./teams";

export type ProjectRow = typeof projects.$inferSelect;

export const serializeProject = (p: ProjectRow) => ({
  object: "project" as const,
  id: p.id,
  team_id: p.teamId,
  name: p.name,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

/** A project with its environments embedded, as creating one answers. */
export const serializeProjectWithEnvironments = (p: ProjectRow, envs: EnvironmentRow[], team: TeamRow) => ({
  ...serializeProject(p),
  environments: envs.map((e) => serializeEnvironment(e, team)),
});

/** One of the team's projects, or 404. */
export async function getProject(db: Database, teamId: string, projectId: string): Promise<ProjectRow> {
  const project = await db
    .select()
    .from(projects)
    .where(and(eq(projects.id, projectId), eq(projects.teamId, teamId)))
    .get();
  if (!project) throw notFound("project", projectId);
  return project;
}

/** The team's default project: its oldest (where environments go when no project is named). */
export async function defaultProject(db: Database, teamId: string): Promise<ProjectRow> {
  const project = await db.select().from(projects).where(eq(projects.teamId, teamId)).orderBy(projects.id).limit(1).get();
  if (!project) throw notFound("project");
  return project;
}

export async function listProjects(db: Database, team: TeamRow, params: ListParams) {
  const q = paginate(projects.id, params);
  const rows = await db
    .select()
    .from(projects)
    .where(where(eq(projects.teamId, team.id), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeProject);
}

/**
 * The team's first `n` projects in id order, and no look-ahead row: a page that shows every row it reads (the
 * dashboard's sidebar and pickers) says "more may follow" when it got `n`.
 */
export async function firstProjects(db: Database, teamId: string, n: number) {
  const rows = await db.select().from(projects).where(eq(projects.teamId, teamId)).orderBy(projects.id).limit(n);
  return { data: rows.map(serializeProject), full: rows.length === n };
}

/** Renames a project; an unknown one (or one deleted meanwhile) is a 404 that records no event. */
export async function renameProject(db: Database, actor: ActorRef, team: TeamRow, projectId: string, name: string) {
  const ofTeam = and(eq(projects.id, projectId), eq(projects.teamId, team.id));
  const [updated] = await db.batch([
    db.update(projects).set({ name, updatedAt: new Date().toISOString() }).where(ofTeam).returning(),
    recordTeamEventIf(db, sql`EXISTS (SELECT 1 FROM ${projects} WHERE ${ofTeam})`, team.id, "project.updated", actor, {
      project_id: projectId,
      name,
    }),
  ]);
  if (!updated[0]) throw notFound("project", projectId);
  return updated[0];
}

/**
 * A new project from scratch: `Staging` always, `Production` unless asked not to (locked while the team's
 * production is Inactive). Needs no coordinator: nothing else can see the project before the batch commits.
 */
export async function createProjectFromScratch(
  db: Database,
  actor: ActorRef,
  team: TeamRow,
  input: { name: string; production: boolean },
) {
  const project: ProjectRow = {
    id: newId("project"),
    teamId: team.id,
    name: input.name,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
  const specs = [{ name: "Staging", production: false }, ...(input.production ? [{ name: "Production", production: true }] : [])];
  const envRows = newEnvironmentRows(team.id, project.id, specs);
  await batch(db, [
    db.insert(projects).values(project),
    ...envRows.statements(db),
    recordTeamEvent(db, team.id, "project.created", actor, {
      project_id: project.id,
      name: project.name,
      environment_ids: envRows.environments.map((e) => e.id),
    }),
  ]);
  return { project, environments: envRows.environments };
}

export interface DeleteProjectOp {
  teamId: string;
  projectId: string;
  actor: ActorRef;
}

/** Deletes a project, its environments and everything they own; never the team's last project. Runs in the project's coordinator. */
export async function applyDeleteProject(db: Database, op: DeleteProjectOp): Promise<{ deleted: true }> {
  const project = await getProject(db, op.teamId, op.projectId);
  const [{ n }] = await db.select({ n: count() }).from(projects).where(eq(projects.teamId, op.teamId));
  if (n <= 1) throw teamMustKeepProject();
  // The trigger projects_keep_one_per_team refuses the delete if another deletion raced this one.
  await batch(db, [
    queueStoreDeletions(db, eq(environments.projectId, project.id)),
    db.delete(projects).where(eq(projects.id, project.id)),
    recordTeamEvent(db, op.teamId, "project.deleted", op.actor, { project_id: project.id, name: project.name }),
  ]);
  return { deleted: true };
}

export const teamMustKeepProject = () =>
  new ApiError("team_must_keep_project", "A team must keep at least one project; this is its last one.");

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeProject, typeof ProjectObject>;
true satisfies Serializes<typeof serializeProjectWithEnvironments, typeof ProjectWithEnvironmentsObject>;

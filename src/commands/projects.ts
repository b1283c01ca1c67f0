import { coordinate } from "../coordinator/client";
import * as projects from "../services/projects";
import { actorOf, type ProjectScope, type TeamScope } from "./scope";

/**
 * A new project from scratch: `Staging`, plus `Production` unless `production: false` (locked until billing).
 * Returns the project and its environments. (A project created by transfer is src/commands/transfers.ts.)
 */
export const createProject = (scope: TeamScope, input: { name: string; production: boolean }) =>
  projects.createProjectFromScratch(scope.db, actorOf(scope), scope.team, input);

/** Renames the project; records `project.updated` only when the project is there. */
export const updateProject = (scope: ProjectScope, input: { name: string }) =>
  projects.renameProject(scope.db, actorOf(scope), scope.team, scope.project.id, input.name);

/** Deletes the project and everything it holds (never the team's last one), in its coordinator. */
export async function deleteProject(scope: ProjectScope, _input: Record<string, never> = {}) {
  await coordinate(scope.env, scope.project.id, "delete_project", {
    teamId: scope.team.id,
    projectId: scope.project.id,
    actor: actorOf(scope),
  });
}

import { coordinate } from "../coordinator/client";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import {
  type EnvironmentRow,
  getEnvironment,
  productionRequiresBilling,
  refuseMoveIntoExistingProject,
  renameEnvironment,
} from "../services/environments";
import { defaultProject, getProject } from "../services/projects";
import { productionLocked } from "../services/teams";
import { actorOf, type TeamEnvironmentScope, type TeamScope } from "./scope";

/**
 * A new environment in a project of the team (the team's default project when none is named), with its
 * default application. A production one needs the team's billing first. Runs in the project's coordinator.
 */
export async function createEnvironment(
  scope: TeamScope,
  input: { name: string; production: boolean; project_id?: string },
): Promise<EnvironmentRow> {
  const { db, team } = scope;
  if (input.production && productionLocked(team)) throw productionRequiresBilling();
  const project = input.project_id ? await getProject(db, team.id, input.project_id) : await defaultProject(db, team.id);
  return coordinate(scope.env, project.id, "create_environment", {
    teamId: team.id,
    projectId: project.id,
    actor: actorOf(scope),
    environment: { id: newId("environment"), clientId: newId("client"), name: input.name, production: input.production },
  });
}

/**
 * Renames the environment or changes its settings. `project_id` is accepted only to refuse a move into another
 * existing project clearly (a transfer creates a new project instead); naming its own project changes nothing.
 */
export async function updateEnvironment(
  scope: TeamEnvironmentScope,
  input: { name?: string; project_id?: string; require_email_verification?: boolean },
): Promise<EnvironmentRow> {
  const { environment } = scope;
  if (input.project_id !== undefined && input.project_id !== environment.projectId) throw refuseMoveIntoExistingProject();
  if (input.name === undefined && input.require_email_verification === undefined) return environment;
  return renameEnvironment(scope.db, actorOf(scope), scope.team, environment.id, {
    name: input.name,
    requireEmailVerification: input.require_email_verification,
  });
}

/**
 * Deletes the environment and everything it owns, unless it is its project's last one, in its project's
 * coordinator. The environment may move (a transfer) between our lookup and the coordinator's turn: the
 * coordinator then says so, and we follow it to its new project, a few times.
 */
export async function deleteEnvironment(scope: TeamEnvironmentScope, _input: Record<string, never> = {}) {
  const { db, team, environment } = scope;
  let projectId = environment.projectId;
  for (let attempt = 0; ; attempt++) {
    try {
      await coordinate(scope.env, projectId, "delete_environment", {
        teamId: team.id,
        projectId,
        environmentId: environment.id,
        actor: actorOf(scope),
      });
      return;
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "environment_moved" && attempt < 3)) throw err;
      projectId = (await getEnvironment(db, team.id, environment.id)).projectId;
    }
  }
}

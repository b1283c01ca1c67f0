import { coordinate } from "../coordinator/client";
import { newId } from "../lib/ids";
import {
  addEnvFlagTarget,
  type FeatureFlagRow,
  type FlagPatch,
  removeEnvFlagTarget,
  setEnvFlagEnabled,
  updateProjectFlag,
} from "../services/feature-flags";
import { actorOf, type EnvironmentScope, type ProjectScope } from "./scope";

/** Defines a flag for the whole project, in its coordinator (a flag blocks transfers out: ordered with them). */
export const createFeatureFlag = (
  scope: ProjectScope,
  input: { slug: string; name: string; description?: string | null; tags: string[]; default_value: boolean },
): Promise<FeatureFlagRow> =>
  coordinate(scope.env, scope.project.id, "create_feature_flag", {
    teamId: scope.team.id,
    projectId: scope.project.id,
    actor: actorOf(scope),
    flag: { id: newId("featureFlag"), ...input },
  });

/** Edits a flag's definition (its slug is its key and cannot change). */
export const updateFeatureFlag = (scope: ProjectScope, input: { slug: string } & FlagPatch) => {
  const { slug, ...patch } = input;
  return updateProjectFlag(scope.db, scope.team.id, actorOf(scope), scope.project.id, slug, patch);
};

/** Removes a flag from the project, with its state and targets in every environment, in the project's coordinator. */
export async function deleteFeatureFlag(scope: ProjectScope, input: { slug: string }) {
  await coordinate(scope.env, scope.project.id, "delete_feature_flag", {
    teamId: scope.team.id,
    projectId: scope.project.id,
    actor: actorOf(scope),
    slug: input.slug,
  });
}

// ---- One environment's state of the project's flags -----------------------------------------------------

/** Turns a flag on or off in the scope's environment only; returns the flag as this environment sees it. */
export const switchFeatureFlag = (scope: EnvironmentScope, input: { slug: string; enabled: boolean }) =>
  setEnvFlagEnabled(scope.db, scope.store, scope.environment, input.slug, input.enabled);

/** Targets a flag at an organization or a user of the environment (again: no change). */
export const addFeatureFlagTarget = (scope: EnvironmentScope, input: { slug: string; target_id: string }) =>
  addEnvFlagTarget(scope.db, scope.store, scope.environment, input.slug, input.target_id);

export const removeFeatureFlagTarget = (scope: EnvironmentScope, input: { slug: string; target_id: string }) =>
  removeEnvFlagTarget(scope.db, scope.store, scope.environment, input.slug, input.target_id);

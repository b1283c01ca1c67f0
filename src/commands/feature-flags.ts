import { coordinate } from "../coordinator/client";
import { newId } from "../lib/ids";
import { type FeatureFlagRow, type FlagPatch, updateProjectFlag } from "../services/feature-flags";
import { actorOf, type ProjectScope } from "./scope";

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

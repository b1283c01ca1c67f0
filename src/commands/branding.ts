import { notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import type { BrandingInput } from "../schemas/branding";
import * as branding from "../services/branding";
import { getEnvironment } from "../services/environments";
import { actorOf, type TeamEnvironmentScope } from "./scope";

/** Replaces the environment's branding (omitted fields go back to their defaults). Returns the branding object. */
export const putBranding = (scope: TeamEnvironmentScope, input: BrandingInput) =>
  branding.replaceBranding(scope.db, actorOf(scope), scope.team.id, scope.environment.id, input);

/** Copies another environment's branding onto this one; the source must be an environment of the same team (else 404). */
export async function copyBranding(scope: TeamEnvironmentScope, input: { source_environment_id: string }) {
  if (!isId("environment", input.source_environment_id)) throw notFound("environment", input.source_environment_id);
  const source = await getEnvironment(scope.db, scope.team.id, input.source_environment_id);
  return branding.replaceBrandingWithCopy(scope.db, actorOf(scope), scope.team.id, scope.environment.id, source.id);
}

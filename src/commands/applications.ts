import { notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import type { ApplicationType } from "../services/applications";
import * as applications from "../services/applications";
import type { TeamEnvironmentScope } from "./scope";

const idOf = (id: string) => {
  if (!isId("application", id)) throw notFound("application", id);
  return id;
};

/** A new application of the environment, with its own client id; redirect URIs checked for the environment. */
export const createApplication = (
  scope: TeamEnvironmentScope,
  input: { name: string; type: ApplicationType; redirect_uris: string[]; logout_redirect_uris?: string[] },
) => applications.createApplication(scope.db, scope.environment, input);

/** Edits an application; its redirect URIs are checked again against its (new) type. */
export const updateApplication = (
  scope: TeamEnvironmentScope,
  input: { id: string; name?: string; type?: ApplicationType; redirect_uris?: string[]; logout_redirect_uris?: string[] },
) => {
  const { id, ...patch } = input;
  return applications.updateApplication(scope.db, scope.environment, idOf(id), patch);
};

/** Deletes an application; the default one (the environment's own client id) stays. */
export const deleteApplication = (scope: TeamEnvironmentScope, input: { id: string }) =>
  applications.deleteApplication(scope.db, scope.environment.id, idOf(input.id));

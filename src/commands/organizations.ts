import * as organizations from "../services/organizations";
import { type EnvironmentScope, writerOf } from "./scope";

/** An environment's organizations with their domains (`organization.*`, `organization_domain.*` events). */

export const createOrganization = (scope: EnvironmentScope, input: organizations.OrganizationInput) =>
  organizations.insertOrganization(writerOf(scope), input);

/** Changes the given fields; `domain_data` replaces the domains; a change of nothing records no event. */
export const updateOrganization = (scope: EnvironmentScope, input: { id: string } & organizations.OrganizationPatch) => {
  const { id, ...patch } = input;
  return organizations.changeOrganization(writerOf(scope), id, patch);
};

/** Deletes the organization with its domains, memberships and connections. */
export const deleteOrganization = (scope: EnvironmentScope, input: { id: string }) =>
  organizations.removeOrganization(writerOf(scope), input.id);

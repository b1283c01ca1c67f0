import * as memberships from "../services/memberships";
import { type EnvironmentScope, writerOf } from "./scope";

/** Users' memberships of organizations, in one environment (`organization_membership.*` events). */

export const createOrganizationMembership = (
  scope: EnvironmentScope,
  input: { organization_id: string; user_id: string; role_slug?: string },
) => memberships.insertMembership(writerOf(scope), input);

export const updateOrganizationMembership = (scope: EnvironmentScope, input: { id: string; role_slug: string }) =>
  memberships.changeMembershipRole(writerOf(scope), input.id, input.role_slug);

export const deleteOrganizationMembership = (scope: EnvironmentScope, input: { id: string }) =>
  memberships.removeMembership(writerOf(scope), input.id);

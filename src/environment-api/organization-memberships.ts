import {
  createOrganizationMembership,
  deleteOrganizationMembership,
  updateOrganizationMembership,
} from "../commands/organization-memberships";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { environmentKeyScope } from "../middleware/command-scope";
import { pathId } from "../middleware/path-resources";
import { ListOf } from "../schemas/fields";
import {
  CreateMembership,
  ListMemberships,
  OrganizationMembershipObject,
  UpdateMembership,
} from "../schemas/organization-memberships";
import { getMembership, listMemberships } from "../services/memberships";
import { envDoc } from "./doc";

const membershipId = (c: Parameters<typeof pathId>[0]) => pathId(c, "organizationMembership", "organization_membership");

/** `/user_management/organization_memberships` (SDK `workos.userManagement.*OrganizationMembership*`). */
export const organizationMembershipsRoutes = createRouter()
  .get(
    "/user_management/organization_memberships",
    envDoc({
      summary: "List organization memberships",
      description: "Filter by `user_id`, `organization_id` and `statuses` (comma-joined).",
      tags: ["User management"],
      responses: { 200: ListOf(OrganizationMembershipObject) },
    }),
    validate("query", ListMemberships),
    async (c) => c.json(await listMemberships(c.var.store, c.var.environment.id, c.req.valid("query"))),
  )
  .post(
    "/user_management/organization_memberships",
    envDoc({
      summary: "Add a user to an organization",
      description: "An `organization_id` or `user_id` that is not of this environment is a 422 naming the field.",
      tags: ["User management"],
      responses: { 201: OrganizationMembershipObject },
      errors: ["organization_membership_already_exists"],
      write: true,
      post: true,
    }),
    validate("json", CreateMembership),
    async (c) => c.json(await createOrganizationMembership(environmentKeyScope(c), c.req.valid("json")), 201),
  )
  .get(
    "/user_management/organization_memberships/:id",
    envDoc({
      summary: "Get an organization membership",
      tags: ["User management"],
      responses: { 200: OrganizationMembershipObject },
      errors: ["organization_membership_not_found"],
    }),
    async (c) => c.json(await getMembership(c.var.store, c.var.environment.id, membershipId(c))),
  )
  .put(
    "/user_management/organization_memberships/:id",
    envDoc({
      summary: "Change a membership's role",
      description: "Setting the role it already has answers the membership as it is and emits no event.",
      tags: ["User management"],
      responses: { 200: OrganizationMembershipObject },
      errors: ["organization_membership_not_found"],
      write: true,
    }),
    validate("json", UpdateMembership),
    async (c) =>
      c.json(await updateOrganizationMembership(environmentKeyScope(c), { id: membershipId(c), ...c.req.valid("json") })),
  )
  .delete(
    "/user_management/organization_memberships/:id",
    envDoc({
      summary: "Remove a user from an organization",
      tags: ["User management"],
      responses: { 204: null },
      errors: ["organization_membership_not_found"],
    }),
    async (c) => {
      await deleteOrganizationMembership(environmentKeyScope(c), { id: membershipId(c) });
      return c.body(null, 204);
    },
  );

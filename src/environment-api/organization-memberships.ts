import * as v from "valibot";
import { createRouter } from "../lib/router";
import { Id, validate } from "../lib/validation";
import { createMembership, deleteMembership, getMembership, listMemberships, MEMBERSHIP_STATUSES, updateMembershipRole } from "../services/memberships";
import { environmentScope } from "../webhooks/scope";
import { ListQuery, pathId } from "./schemas";

/** Roles are not modelled yet: any role slug is accepted (`member` by default). */
const RoleSlug = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a role slug (lower-case letters, digits, - and _)."));

const CreateMembership = v.strictObject({ organization_id: Id("organization"), user_id: Id("user"), role_slug: v.optional(RoleSlug) });
const UpdateMembership = v.strictObject({ role_slug: RoleSlug });
const ListMemberships = ListQuery({
  user_id: v.optional(Id("user")),
  organization_id: v.optional(Id("organization")),
  // The SDK joins `statuses` with commas.
  statuses: v.optional(
    v.pipe(
      v.string(),
      v.transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean)),
      v.array(v.picklist(MEMBERSHIP_STATUSES, `must list statuses among ${MEMBERSHIP_STATUSES.join(", ")}.`)),
    ),
  ),
});

const membershipId = (c: Parameters<typeof pathId>[0]) => pathId(c, "organizationMembership", "organization_membership");

/** `/user_management/organization_memberships` (SDK `workos.userManagement.*OrganizationMembership*`). */
export const organizationMembershipsRoutes = createRouter()
  .get("/user_management/organization_memberships", validate("query", ListMemberships), async (c) =>
    c.json(await listMemberships(c.var.db, c.var.environment.id, c.req.valid("query"))),
  )
  .post("/user_management/organization_memberships", validate("json", CreateMembership), async (c) =>
    c.json(await createMembership(environmentScope(c), c.req.valid("json")), 201),
  )
  .get("/user_management/organization_memberships/:id", async (c) => c.json(await getMembership(c.var.db, c.var.environment.id, membershipId(c))))
  .put("/user_management/organization_memberships/:id", validate("json", UpdateMembership), async (c) =>
    c.json(await updateMembershipRole(environmentScope(c), membershipId(c), c.req.valid("json").role_slug)),
  )
  .delete("/user_management/organization_memberships/:id", async (c) => {
    await deleteMembership(environmentScope(c), membershipId(c));
    return c.body(null, 204);
  });

import * as v from "valibot";
import { ListQuery, PrefixedId, Timestamp } from "./fields";

export const MEMBERSHIP_STATUSES = ["active", "inactive", "pending"] as const;

// ---- Input -------------------------------------------------------------------------------------------

/** Roles are not modelled yet: any role slug is accepted (`member` by default). */
const MembershipRoleSlug = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a role slug (lower-case letters, digits, - and _)."),
);

export const CreateMembership = v.strictObject({
  organization_id: PrefixedId("organization"),
  user_id: PrefixedId("user"),
  role_slug: v.optional(MembershipRoleSlug),
});
export const UpdateMembership = v.strictObject({ role_slug: MembershipRoleSlug });
export const ListMemberships = ListQuery({
  user_id: v.optional(PrefixedId("user")),
  organization_id: v.optional(PrefixedId("organization")),
  // The SDK joins `statuses` with commas.
  statuses: v.optional(
    v.pipe(
      v.string(),
      v.transform((s) =>
        s
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean),
      ),
      v.array(v.picklist(MEMBERSHIP_STATUSES, `must list statuses among ${MEMBERSHIP_STATUSES.join(", ")}.`)),
    ),
  ),
});

// ---- Objects -----------------------------------------------------------------------------------------

export const OrganizationMembershipObject = v.object({
  object: v.literal("organization_membership"),
  id: v.string(),
  user_id: v.string(),
  organization_id: v.string(),
  organization_name: v.string(),
  status: v.picklist(MEMBERSHIP_STATUSES),
  role: v.object({ slug: v.string() }),
  /** Always false: no directory sync here. */
  directory_managed: v.boolean(),
  /** Always `{}`: no directory sync here. */
  custom_attributes: v.record(v.string(), v.unknown()),
  created_at: Timestamp,
  updated_at: Timestamp,
});

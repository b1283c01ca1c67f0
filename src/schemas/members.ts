import * as v from "valibot";
import { ListOf, DescribedTimestamp as Timestamp } from "./fields";
import { ROLES } from "./roles";

/** A team member's role. */
export const RoleSlug = v.picklist(ROLES, `must be one of ${ROLES.join(", ")}.`);

export const UpdateMember = v.strictObject({ role_slug: RoleSlug });

export const MemberObject = v.object({
  object: v.literal("team_member"),
  id: v.string(),
  team_id: v.string(),
  email: v.string(),
  name: v.string(),
  role_slug: RoleSlug,
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const MemberList = ListOf(MemberObject);

import * as v from "valibot";
import { ListParams } from "../lib/pagination";
import { Email, ListOf, DescribedTimestamp as Timestamp } from "./fields";
import { RoleSlug } from "./members";

export const INVITATION_STATES = ["pending", "accepted", "revoked", "expired"] as const;

export const CreateInvitation = v.strictObject({ email: Email, role_slug: RoleSlug });
export const ListInvitationsQuery = v.object({
  ...ListParams.entries,
  state: v.optional(v.picklist(INVITATION_STATES, "must be pending, accepted, revoked or expired.")),
});

export const InvitationObject = v.object({
  object: v.literal("workos_team_invitation"),
  id: v.string(),
  team_id: v.string(),
  email: v.string(),
  role_slug: RoleSlug,
  state: v.picklist(INVITATION_STATES),
  expires_at: Timestamp,
  accepted_at: v.nullable(Timestamp),
  revoked_at: v.nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const InvitationList = ListOf(InvitationObject);

import * as v from "valibot";
import { inviteToTeam, revokeInvitation } from "../commands/people";
import { ROLES } from "../db/schema";
import { notFound } from "../lib/errors";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { Email, validate } from "../lib/validation";
import { isPeopleId } from "../services/people/ids";
import { getInvitation, listInvitations, serializeInvitation } from "../services/people/invitations";
import { actorOf } from "../services/people/members";
import { loadTeam } from "./teams";

export const RoleSlug = v.picklist(ROLES, `must be one of ${ROLES.join(", ")}.`);

export const InvitationObject = v.object({
  object: v.literal("workos_team_invitation"),
  id: v.string(),
  team_id: v.string(),
  email: v.string(),
  role_slug: RoleSlug,
  state: v.picklist(["pending", "accepted", "revoked", "expired"]),
  expires_at: v.string(),
  accepted_at: v.nullable(v.string()),
  revoked_at: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
});

const InvitationList = v.object({
  object: v.literal("list"),
  data: v.array(InvitationObject),
  list_metadata: v.object({ before: v.nullable(v.string()), after: v.nullable(v.string()) }),
});

const CreateInvitation = v.strictObject({ email: Email, role_slug: RoleSlug });
const ListInvitationsQuery = v.object({
  ...ListParams.entries,
  state: v.optional(v.picklist(["pending", "accepted", "revoked", "expired"], "must be pending, accepted, revoked or expired.")),
});

const BASE = "/teams/:team_id/invitations";
const invitationIdOf = (raw: string) => {
  if (!isPeopleId("invitation", raw)) throw notFound("invitation", raw);
  return raw;
};

/**
 * Invitations to a team, in WorkOS's Platform API shape. Inviting an address that has a pending invitation
 * re-sends it (the same invitation, a new link and expiry) and answers 200 instead of 201.
 */
export const invitationRoutes = createRouter()
  .use(BASE, loadTeam)
  .use(`${BASE}/*`, loadTeam)
  .post(
    BASE,
    doc({
      summary: "Invite someone to a team (or re-send a pending invitation: 200)",
      tags: ["Teams"],
      responses: { 201: InvitationObject, 200: InvitationObject },
      errors: ["team_not_found", "forbidden", "user_already_team_member", "idempotency_request_in_progress"],
      write: true,
    }),
    validate("json", CreateInvitation),
    async (c) => {
      const input = c.req.valid("json");
      const { invitation, created } = await inviteToTeam(c.var.db, actorOf(c.var.caller), c.var.team, input);
      return c.json(serializeInvitation(invitation), created ? 201 : 200);
    },
  )
  .get(
    BASE,
    doc({
      summary: "List a team's invitations",
      tags: ["Teams"],
      responses: { 200: InvitationList },
      errors: ["team_not_found", "forbidden"],
    }),
    validate("query", ListInvitationsQuery),
    async (c) => c.json(await listInvitations(c.var.db, c.var.team.id, c.req.valid("query"))),
  )
  .get(
    `${BASE}/:invitation_id`,
    doc({
      summary: "Get an invitation",
      tags: ["Teams"],
      responses: { 200: InvitationObject },
      errors: ["team_not_found", "invitation_not_found", "forbidden"],
    }),
    async (c) =>
      c.json(serializeInvitation(await getInvitation(c.var.db, c.var.team.id, invitationIdOf(c.req.param("invitation_id"))))),
  )
  .delete(
    `${BASE}/:invitation_id`,
    doc({
      summary: "Revoke an invitation (its link stops working)",
      tags: ["Teams"],
      responses: { 200: InvitationObject },
      errors: ["team_not_found", "invitation_not_found", "forbidden"],
    }),
    async (c) =>
      c.json(
        serializeInvitation(
          await revokeInvitation(c.var.db, actorOf(c.var.caller), c.var.team.id, invitationIdOf(c.req.param("invitation_id"))),
        ),
      ),
  );
